--
-- Golden values: similarity(), containment(), <-> and the operators on
-- fixed texts, so that a change of any estimate shows here.
--
CREATE TEMP TABLE g (id int PRIMARY KEY, body text);
INSERT INTO g VALUES
	(1, 'The harbour authority on Tuesday approved a plan to deepen the northern shipping channel by two metres, a project it says will allow larger container ships to call at the port without waiting for high tide. The work, expected to take three years, will be paid for by port fees and a loan from a regional development bank.'),
	(2, 'The harbour authority on Tuesday approved a plan to deepen the northern shipping channel by two metres, a project it says will allow larger container ships to call at the port without waiting for high tide.'),
	(3, 'The port authority on Wednesday approved a plan to deepen the northern channel by three metres, a project it says will allow bigger container ships to call at the port without waiting for the tide. The work, expected to take four years, will be paid for by port fees and a loan from a development bank.'),
	(4, 'Negotiators were to meet in the Qatari capital again on Friday in an effort to hammer out a ceasefire agreement, officials said, as fighting continued in the south of the territory for a tenth day.'),
	(5, ''),
	(6, 'Two words');
CREATE TEMP TABLE f AS SELECT id, fingerprint(body) AS fp, fingerprint(body, 2) AS fp2 FROM g;
SELECT a.id AS a, b.id AS b,
	round(similarity(a.fp, b.fp)::numeric, 6) AS sim,
	round(containment(a.fp, b.fp)::numeric, 6) AS cont_ab,
	round(containment(b.fp, a.fp)::numeric, 6) AS cont_ba,
	round((a.fp <-> b.fp)::numeric, 6) AS dist,
	round(similarity(a.fp2, b.fp2)::numeric, 6) AS sim_w2,
	round(containment(a.fp2, b.fp2)::numeric, 6) AS cont_ab_w2
  FROM f a JOIN f b ON a.id <= b.id ORDER BY a.id, b.id;
-- The operators at the default thresholds (0.5 / 0.5) and at others.
SELECT a.id AS a, b.id AS b, a.fp % b.fp AS similar, a.fp <% b.fp AS contained, a.fp %> b.fp AS contains, a.fp = b.fp AS equal
  FROM f a JOIN f b ON a.id <> b.id WHERE a.id <= 4 AND b.id <= 4 ORDER BY a.id, b.id;
SET neardup.similarity_threshold = 0.2;
SET neardup.containment_threshold = 0.9;
SELECT a.id AS a, b.id AS b, a.fp % b.fp AS similar, a.fp <% b.fp AS contained, a.fp %> b.fp AS contains
  FROM f a JOIN f b ON a.id <> b.id WHERE a.id <= 4 AND b.id <= 4 ORDER BY a.id, b.id;
RESET neardup.similarity_threshold;
RESET neardup.containment_threshold;
