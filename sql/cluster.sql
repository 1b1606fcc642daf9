--
-- duplicate_clusters(): clusters, representatives, ordering, errors.
--
CREATE TABLE clu (id int PRIMARY KEY, body text, fp fingerprint);
INSERT INTO clu (id, body) VALUES
 (10, 'The harbour authority on Tuesday approved a plan to deepen the northern shipping channel by two metres, a project it says will allow larger container ships to call at the port.'),
 (20, 'THE HARBOUR AUTHORITY on Tuesday approved a plan to deepen the northern shipping channel by two metres, a project it says will allow larger container ships to call at the port!'),
 (30, 'The harbour authority on Tuesday approved a plan to deepen the northern shipping channel by three metres, a project it says will allow larger ships to call at the port of the city.'),
 (40, 'Negotiators were to meet in the Qatari capital again on Friday in an effort to hammer out a ceasefire agreement, officials said.'),
 (50, 'The harbour authority on Tuesday approved a plan to deepen the northern shipping channel by two metres.'),
 (60, 'Negotiators were to meet in the Qatari capital again on Friday in an effort to hammer out a ceasefire agreement, officials said on Thursday.'),
 (70, 'A completely unrelated story about the price of coffee beans in the highlands this year.'),
 (80, NULL),
 (90, ''),
 (95, '...');
UPDATE clu SET fp = fingerprint(body);
INSERT INTO clu VALUES (99, 'fingerprint left NULL', NULL);

-- Defaults: neardup.similarity_threshold (0.5), no containment edges,
-- representative = smallest key.  NULL fingerprints are skipped; texts
-- without tokens are identical to each other.
SELECT * FROM duplicate_clusters('clu', 'id', 'fp');

-- Stricter threshold: the rewrite (30) and the excerpt (50) drop out.
SELECT * FROM duplicate_clusters('clu', 'id', 'fp', 0.8);

-- The threshold defaults to the GUC.
SET neardup.similarity_threshold = 0.8;
SELECT key, cluster_id FROM duplicate_clusters('clu', 'id', 'fp') WHERE cluster_size > 1;
RESET neardup.similarity_threshold;

-- Containment edges: the excerpt joins its article.
SELECT containment(a.fp, b.fp) FROM clu a, clu b WHERE a.id = 50 AND b.id = 10;
SELECT key, cluster_id, is_representative, cluster_size
  FROM duplicate_clusters('clu', 'id', 'fp', 0.8, 0.9) WHERE cluster_size > 1;

-- 'longest': the row with the most tokens represents the cluster.
SELECT key, cluster_id, is_representative
  FROM duplicate_clusters('clu', 'id', 'fp', representative => 'longest') WHERE cluster_size > 1;

-- One row per cluster.
SELECT cluster_id, cluster_size, left(c.body, 40) AS story
  FROM duplicate_clusters('clu', 'id', 'fp') d JOIN clu c ON c.id = d.key
 WHERE is_representative ORDER BY cluster_id;

-- An empty table, and a table with only NULL fingerprints.
CREATE TABLE clu_empty (id bigint, fp fingerprint);
SELECT * FROM duplicate_clusters('clu_empty', 'id', 'fp');
INSERT INTO clu_empty VALUES (1, NULL), (NULL, fingerprint(text 'x'));
SELECT * FROM duplicate_clusters('clu_empty', 'id', 'fp');

-- Errors
SELECT * FROM duplicate_clusters('no_such_table', 'id', 'fp');
SELECT * FROM duplicate_clusters('clu', 'no_such_column', 'fp');
SELECT * FROM duplicate_clusters('clu', 'id', 'no_such_column');
SELECT * FROM duplicate_clusters('clu', 'body', 'fp');
SELECT * FROM duplicate_clusters('clu', 'id', 'body');
SELECT * FROM duplicate_clusters(NULL, 'id', 'fp');
SELECT * FROM duplicate_clusters('clu', 'id', 'fp', 0);
SELECT * FROM duplicate_clusters('clu', 'id', 'fp', 1.5);
SELECT * FROM duplicate_clusters('clu', 'id', 'fp', 0.5, -1);
SELECT * FROM duplicate_clusters('clu', 'id', 'fp', representative => 'last');
CREATE INDEX clu_fp_idx ON clu (fp);
SELECT * FROM duplicate_clusters('clu_fp_idx', 'id', 'fp');
CREATE TABLE clu_dup (id int, fp fingerprint);
INSERT INTO clu_dup VALUES (1, fingerprint(text 'a b c')), (2, fingerprint(text 'd e f')), (1, fingerprint(text 'g h i'));
SELECT * FROM duplicate_clusters('clu_dup', 'id', 'fp');
CREATE TABLE clu_mixed (id int, fp fingerprint);
INSERT INTO clu_mixed VALUES (1, fingerprint(text 'a b c')), (2, fingerprint(text 'a b c', 4));
SELECT * FROM duplicate_clusters('clu_mixed', 'id', 'fp');

DROP TABLE clu, clu_empty, clu_dup, clu_mixed;
