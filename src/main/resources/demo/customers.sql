-- Synthetic customers for the Sluice demo. Deterministic: the same row count gives the same rows
-- (timestamps are relative to a fixed instant, except last_seen_at, relative to now).
CREATE OR REPLACE TABLE customers AS
WITH seq AS (
    SELECT i, (i * 2654435761) % 4294967296 AS h1, (i * 40503 + 12345) % 65521 AS h2
    FROM range(1, ${ROWS} + 1) t(i)
)
SELECT
    i::BIGINT AS customer_id,
    CASE WHEN h2 % 50 = 0 THEN NULL
         ELSE replace(lower(first_names[1 + h1 % 12]), ' ', '.') || '.' || i || '@example.' || (['com', 'fr', 'de', 'co.jp'])[1 + h2 % 4]
    END AS email,
    first_names[1 + h1 % 12] AS first_name,
    last_names[1 + h2 % 12] AS last_name,
    CASE WHEN h1 % 40 = 7 THEN NULL ELSE (['FR', 'DE', 'US', 'GB', 'ES', 'IT', 'JP', 'BR', 'FR', 'FR'])[1 + h2 % 10] END AS country,
    round((h1 % 500000) / 100.0 * (1 + h2 % 3), 2)::DECIMAL(12, 2) AS lifetime_value,
    (h2 % 40)::INTEGER AS orders_count,
    h1 % 3 = 0 AS is_subscribed,
    CASE WHEN h2 % 30 = 0 THEN NULL ELSE DATE '1950-01-01' + (h1 % 20000)::INTEGER END AS birth_date,
    TIMESTAMP '2020-01-01 00:00:00' + INTERVAL (h1 % 157680000) SECOND AS created_at,
    (now() - INTERVAL (h2 * 97 % 7776000) SECOND)::TIMESTAMPTZ AS last_seen_at,
    CASE h2 % 9
        WHEN 0 THEN 'prefers email, not SMS'
        WHEN 1 THEN 'said "call me later"'
        WHEN 2 THEN 'two' || chr(10) || 'lines, and' || chr(13) || chr(10) || 'a CRLF'
        WHEN 3 THEN 'tab	inside'
        WHEN 4 THEN 'café ☕ naïve façade 🎉'
        WHEN 5 THEN NULL
        ELSE ''
    END AS notes
FROM seq,
     (SELECT ['Alice', 'Bruno', 'Chloé', 'Dmitri', 'Élodie', 'François', 'Günther', 'Hiroshi', 'Zoë', 'Łukasz',
              'María José', 'Seán'] AS first_names,
             ['Martin', 'O''Brien', 'Smith, Jr.', 'Müller', 'Dubois', 'Nguyễn', '田中', 'García', 'Quote "Q" Man',
              'Rossi', 'Silva', 'Kowalski'] AS last_names);
