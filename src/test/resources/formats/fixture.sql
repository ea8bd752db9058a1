-- The format tests' fixture: every type Sluice renders, NULL in every column, and awkward text.
-- `fixture` feeds the golden files; `fixture_long` adds one row with a 100 KB text for read-back.
-- Statements are separated by a semicolon at the end of a line.
SET TimeZone = 'America/New_York';
CREATE TABLE fixture (
    id    BIGINT,
    big   BIGINT,
    n     INTEGER,
    d     DOUBLE,
    dec2  DECIMAL(18,2),
    dec9  DECIMAL(38,9),
    flag  BOOLEAN,
    s     VARCHAR,
    s2    VARCHAR,
    day   DATE,
    ts    TIMESTAMP,
    tstz  TIMESTAMPTZ,
    bin   BLOB
);
INSERT INTO fixture VALUES
    (1, 1234567890123, 42, 0.1, 12.30, 12.300000000, true, 'plain', 'only' || chr(13) || 'cr', DATE '2025-04-14',
        TIMESTAMP '2025-04-14 10:00:00', TIMESTAMPTZ '2025-04-14 12:00:00+02:00', '\x00\x01hello'::BLOB),
    (2, -1, -7, 'NaN'::DOUBLE, -0.50, 0.000000000, false, 'comma, semicolon; tab' || chr(9) || 'pipe|', '"', DATE '1969-12-31',
        TIMESTAMP '2025-04-14 10:00:00.5', TIMESTAMPTZ '2025-01-01 00:30:00.123-05:00', ''::BLOB),
    (3, 0, 2147483647, 'Infinity'::DOUBLE, 9999999999999999.99, 12345678901234567890123456789.123456789, true,
        'say "hi" and ''bye''', 'NULL', DATE '2000-02-29',
        TIMESTAMP '2025-04-14 10:00:00.123456', TIMESTAMPTZ '2024-12-31 23:59:59.999999+05:30', '\xFF\xFE\x00'::BLOB),
    (4, -9007199254740993, -2147483648, '-Infinity'::DOUBLE, 100.00, -0.000000001, false,
        'LF' || chr(10) || 'CRLF' || chr(13) || chr(10) || 'CR' || chr(13) || 'end', ';', DATE '0001-01-01',
        TIMESTAMP '1969-12-31 23:59:59.25', TIMESTAMPTZ '2025-03-01 01:00:00+03:00', 'a'::BLOB),
    (5, 9007199254740993, 0, 1e300, 0.00, 1.100000000, true, 'tab' || chr(9) || 'emoji 😀 été Ωμέγα 日本語', chr(9), DATE '9999-12-31',
        TIMESTAMP '2025-04-14 23:59:59.000001', TIMESTAMPTZ '2025-06-15 08:15:30.5-07:00', 'ab'::BLOB),
    (6, 9223372036854775807, 6, -2.5, -12.34, 42.000000000, false, '<a href="x">&amp; & </a> ]]>', '''', DATE '2025-04-14',
        TIMESTAMP '2025-04-14 00:00:00', TIMESTAMPTZ '2025-04-14 00:00:00+00:00', 'abc'::BLOB),
    (7, -9223372036854775808, 7, 1.5e-7, 1.00, 0.500000000, true,
        'ctl' || chr(1) || 'vt' || chr(11) || 'ff' || chr(12) || 'nul-free', 'nc' || chr(65534) || chr(65535), DATE '2025-04-14',
        TIMESTAMP '2025-04-14 10:00:00.1', TIMESTAMPTZ '2025-04-14 10:00:00.1+14:00', 'abcd'::BLOB),
    (8, 8, 8, 3.0, 1.50, 7.000000000, false, '', ' ', DATE '2025-04-14',
        TIMESTAMP '2025-04-14 10:00:00', TIMESTAMPTZ '2025-04-14 10:00:00-12:00', '\x00'::BLOB),
    (9, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (10, 10, 10, 1234.5, 0.01, 0.000000010, true, ' leading and trailing spaces ', '#back\slash', DATE '2025-04-14',
        TIMESTAMP '2025-04-14 10:00:00', TIMESTAMPTZ '2025-04-14 10:00:00+00:00', NULL);
CREATE TABLE fixture_long AS
    SELECT * FROM fixture
    UNION ALL
    SELECT 11, 11, 11, 11.0, 11.00, 11.000000000, true,
           repeat('long text ✓, "quoted" ; ' || chr(13) || chr(10) || 'next ', 3200) || 'END', 'long',
           DATE '2025-04-14', TIMESTAMP '2025-04-14 10:00:00', TIMESTAMPTZ '2025-04-14 10:00:00+00:00', 'long'::BLOB;
