-- Properties and errors of the fingerprint type, its functions and
-- operators.
BEGIN;
SELECT plan(46);

-- Catalog
SELECT has_type('fingerprint');
SELECT has_function('fingerprint', ARRAY['text']);
SELECT has_function('fingerprint', ARRAY['text', 'integer']);
SELECT volatility_is('fingerprint', ARRAY['text'], 'immutable');
SELECT volatility_is('fingerprint', ARRAY['text', 'integer'], 'immutable');
SELECT volatility_is('normalize_text', ARRAY['text'], 'immutable');
SELECT volatility_is('similarity', ARRAY['fingerprint', 'fingerprint'], 'immutable');
SELECT volatility_is('containment', ARRAY['fingerprint', 'fingerprint'], 'immutable');
SELECT volatility_is('fingerprint_similar_op', ARRAY['fingerprint', 'fingerprint'], 'stable');
SELECT volatility_is('fingerprint_contained_op', ARRAY['fingerprint', 'fingerprint'], 'stable');
SELECT is_strict('fingerprint', ARRAY['text']);
SELECT has_operator('fingerprint', '%', 'fingerprint', 'boolean');
SELECT has_operator('fingerprint', '<->', 'fingerprint', 'real');
SELECT has_operator('fingerprint', '<%', 'fingerprint', 'boolean');
SELECT has_operator('fingerprint', '%>', 'fingerprint', 'boolean');
SELECT has_operator('fingerprint', '=', 'fingerprint', 'boolean');
SELECT is((SELECT typlen FROM pg_type WHERE typname = 'fingerprint'), 536::smallint,
	'fixed size, 536 bytes, never TOASTed');

CREATE TEMP TABLE t (id int PRIMARY KEY, body text);
INSERT INTO t VALUES
	(1, 'The harbour authority on Tuesday approved a plan to deepen the northern shipping channel by two metres, a project it says will allow larger container ships to call at the port without waiting for high tide. The work, expected to take three years, will be paid for by port fees and a loan from a regional development bank.'),
	(2, 'THE HARBOUR AUTHORITY on Tuesday approved a plan to deepen the “northern” shipping channel by two metres — a project it says will allow larger container ships to call at the port without waiting for high tide. The work, expected to take three years, will be paid for by port fees and a loan from a regional development bank!'),
	(3, 'The harbour authority on Tuesday approved a plan to deepen the northern shipping channel by two metres, a project it says will allow larger container ships to call at the port without waiting for high tide.'),
	(4, 'Negotiators were to meet in the Qatari capital again on Friday in an effort to hammer out a ceasefire agreement, officials said, as fighting continued in the south of the territory for a tenth day.');

-- Similarity and containment
SELECT is((SELECT array_agg(round(similarity(fingerprint(a.body), fingerprint(b.body))::numeric, 4) ORDER BY b.id) FROM t a, t b WHERE a.id = 1),
	ARRAY[1.0000, 1.0000, 0.6078, 0.0000], 'a text is identical to itself and its normalized copy, not to the others');
SELECT ok((SELECT fingerprint(a.body) = fingerprint(b.body) FROM t a, t b WHERE a.id = 1 AND b.id = 2),
	'case, quotes, dashes and punctuation do not change the fingerprint');
SELECT ok((SELECT similarity(fingerprint(a.body), fingerprint(b.body)) < 0.05 FROM t a, t b WHERE a.id = 1 AND b.id = 4),
	'unrelated articles are not similar');
SELECT ok((SELECT containment(fingerprint(a.body), fingerprint(b.body)) > 0.9 FROM t a, t b WHERE a.id = 3 AND b.id = 1),
	'the first paragraph is contained in the whole article');
SELECT ok((SELECT containment(fingerprint(b.body), fingerprint(a.body)) < 0.8 FROM t a, t b WHERE a.id = 3 AND b.id = 1),
	'the whole article is not contained in its first paragraph');
SELECT ok((SELECT similarity(fingerprint(a.body), fingerprint(b.body)) BETWEEN 0.4 AND 0.9 FROM t a, t b WHERE a.id = 3 AND b.id = 1),
	'paragraph vs article: partial resemblance');
SELECT is((SELECT (fingerprint(a.body) <-> fingerprint(b.body)) = 1 - similarity(fingerprint(a.body), fingerprint(b.body))
	FROM t a, t b WHERE a.id = 3 AND b.id = 1), true, '<-> is 1 - similarity');
SELECT is((SELECT ARRAY[round(similarity(fingerprint(a.body), fingerprint(b.body))::numeric, 4), round(similarity(fingerprint(b.body), fingerprint(a.body))::numeric, 4)]
	FROM t a, t b WHERE a.id = 3 AND b.id = 1), ARRAY[0.6078, 0.6078], 'similarity is symmetric (0.6078 both ways)');

-- Operators follow the GUCs
SET LOCAL neardup.similarity_threshold = 0.99;
SELECT is((SELECT count(*) FROM t a, t b WHERE a.id < b.id AND fingerprint(a.body) % fingerprint(b.body)), 1::bigint,
	'% at 0.99: only the exact pair');
SET LOCAL neardup.similarity_threshold = 0.3;
SELECT is((SELECT array_agg(a.id || '-' || b.id ORDER BY a.id, b.id) FROM t a, t b
	WHERE a.id < b.id AND fingerprint(a.body) % fingerprint(b.body)), ARRAY['1-2', '1-3', '2-3'],
	'% at 0.3: the three versions of the harbour story');
SET LOCAL neardup.containment_threshold = 0.9;
SELECT is((SELECT array_agg(a.id || '<' || b.id ORDER BY a.id, b.id) FROM t a, t b
	WHERE a.id <> b.id AND fingerprint(a.body) <% fingerprint(b.body)), ARRAY['1<2', '2<1', '3<1', '3<2'],
	'<% : left contained in right');
SELECT is((SELECT array_agg(a.id || '>' || b.id ORDER BY a.id, b.id) FROM t a, t b
	WHERE a.id <> b.id AND fingerprint(a.body) %> fingerprint(b.body)), ARRAY['1>2', '1>3', '2>1', '2>3'],
	'%> is the commutator of <%');

-- Short and empty texts
SELECT is(ARRAY[similarity(fingerprint(text ''), fingerprint(text '')), similarity(fingerprint(text ''), fingerprint(text 'x y z'))], ARRAY[1, 0]::real[], 'two empty texts are identical, an empty and a non-empty one are not');
SELECT is(similarity(fingerprint(text ''), fingerprint(text 'some words')), 0::real, 'empty vs non-empty: 0');
SELECT is((fingerprint_info(fingerprint(text 'Two words'))).shingle_count, 1::bigint, 'a text shorter than a shingle has one shingle');
SELECT is(similarity(fingerprint(text 'Two words!'), fingerprint(text 'two WORDS')), 1::real, 'short texts compare');

-- Errors
SELECT throws_ok($$SELECT similarity(fingerprint(text 'a b c d e f'), fingerprint(text 'a b c d e f', 2))$$, '22000', NULL,
	'different shingle sizes never compare silently');
SELECT throws_ok($$SELECT fingerprint(text 'x', 0)$$, '22023', 'shingle size 0 is out of range', 'shingle size 0');
SELECT throws_ok($$SELECT fingerprint(text 'x', 17)$$, '22023', 'shingle size 17 is out of range', 'shingle size 17');

-- Text I/O round trip and strict validation
SELECT is((SELECT count(*) FROM t WHERE fingerprint(body)::text::fingerprint = fingerprint(body)
	AND fingerprint(body)::text::fingerprint::text = fingerprint(body)::text), 4::bigint, 'text form round-trips');
SELECT is((SELECT upper(fingerprint(body)::text)::fingerprint = fingerprint(body) FROM t WHERE id = 1), true, 'hex read in either case');
SELECT throws_ok($$SELECT ''::fingerprint$$, '22P02', NULL, 'empty literal rejected');
SELECT throws_ok($$SELECT 'garbage'::fingerprint$$, '22P02', NULL, 'garbage rejected');
SELECT throws_ok(format('SELECT %L::fingerprint', '2' || substr(fingerprint(text 'a b c')::text, 2)), '22P02', NULL, 'unknown version rejected');
SELECT throws_ok(format('SELECT %L::fingerprint', fingerprint(text 'a b c')::text || '0'), '22P02', NULL, 'trailing characters rejected');
SELECT throws_ok(format('SELECT %L::fingerprint', regexp_replace(fingerprint(text 'a b c d e f g')::text, '^1:(\d+):256:7:', '1:\1:256:9:')),
	'22P02', NULL, 'inconsistent shingle count rejected');

-- Binary input (COPY ... FORMAT binary) validates as strictly as text
-- input.  The file lies in the data directory; the fingerprint's 536
-- bytes start at offset 33 of a one-row (int4, fingerprint) file.
SELECT current_setting('data_directory') || '/neardup_tap_fp.bin' AS binfile \gset
COPY (SELECT 1, fingerprint(body) FROM t WHERE id = 1) TO :'binfile' WITH (FORMAT binary);
CREATE TEMP TABLE binb AS SELECT pg_read_binary_file(:'binfile') AS b;
CREATE TEMP TABLE binfp (id int, fp fingerprint);
CREATE FUNCTION pg_temp.load_bin(content bytea) RETURNS fingerprint LANGUAGE plpgsql AS $$
DECLARE r fingerprint; path text := current_setting('data_directory') || '/neardup_tap_fp.bin';
BEGIN
	DELETE FROM binfp;
	EXECUTE format('COPY (SELECT %L) TO PROGRAM %L', encode(content, 'hex'),
		format('perl -ne ''chomp; print pack("H*", $_)'' > %s', path));
	EXECUTE format('COPY binfp FROM %L WITH (FORMAT binary)', path);
	SELECT fp INTO r FROM binfp;
	RETURN r;
END $$;
SELECT is((SELECT pg_temp.load_bin(b) FROM binb), (SELECT fingerprint(body) FROM t WHERE id = 1), 'binary input: the value round-trips');
SELECT throws_ok('SELECT pg_temp.load_bin(set_byte(b, 33, 9)) FROM binb', '22P03', NULL, 'binary input: an unknown version is rejected');
SELECT throws_ok('SELECT pg_temp.load_bin(set_byte(b, 44, get_byte(b, 44) # 1)) FROM binb', '22P03', NULL,
	'binary input: a token count the shingle count does not follow from is rejected');
COPY (SELECT 1) TO PROGRAM 'rm -f neardup_tap_fp.bin';

SELECT * FROM finish();
ROLLBACK;
