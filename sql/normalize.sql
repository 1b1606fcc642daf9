--
-- normalize_text(): the token stream a fingerprint sees.  Quotes, case,
-- NFKC, hyphenation, invisible characters, numbers, and scripts with and
-- without spaces.
--
SELECT input, normalize_text(input) AS tokens
  FROM (VALUES
	-- quotes and apostrophes: curly and straight are the same; an
	-- apostrophe inside a word joins it
	('“Let’s go,” he said. "Let''s go," he said.'),
	('don’t don''t dont ‘quoted’ ''quoted'' rock ’n’ roll'),
	-- case: full Unicode case folding, not ASCII only
	('BREAKING: ÀÉÎÕÜ Ǆemal STRASSE Straße ΣΊΣΥΦΟΣ σίσυφος ς'),
	-- NFKC: ligatures, full-width forms, circled and superscript digits
	('ﬁnancial ﬂows ＡＢＣ１２３ ① x² Ⅻ'),
	-- dashes and hyphens separate; a soft hyphen or zero-width space joins
	('al-Sudani – a long—awaited ‐ deal co‐operate co' || chr(173) || 'operate zero' || chr(8203) || 'width'),
	-- non-breaking spaces separate
	('10' || chr(160) || 'km and 5' || chr(8239) || '000'),
	-- numbers are kept, split at points and commas
	('2,500 troops, 3.5% growth, 103rd anniversary, 2026'),
	-- Cyrillic, Greek, Arabic (tatweel removed), Hebrew: words
	('Москва ЁЛКА ёлка — Αθήνα'),
	('بغداد العراق — العـــراق'),
	('ירושלים, ישראל'),
	-- Chinese, Japanese, Thai: overlapping character bigrams
	('中华人民共和国'),
	('東京でニュース'),
	('ข่าววันนี้'),
	('Apple发布iPhone'),
	-- nothing to tokenize
	(''),
	('  ... — !!! ')
  ) AS v(input);

-- Invalid UTF-8 cannot reach a UTF-8 database; mixed-script text can.
SELECT normalize_text('Der Bürgermeister sagte: «Wir schaffen das» — Мэр сказал: «Мы справимся».');
