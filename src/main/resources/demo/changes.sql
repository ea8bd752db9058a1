-- A day in the life of the demo's customers: about 1% change, 0.5% leave, 0.5% arrive.
UPDATE customers SET lifetime_value = lifetime_value + 250, orders_count = orders_count + 1
WHERE customer_id % 100 = 3;
UPDATE customers SET email = NULL WHERE customer_id % 1000 = 7;
DELETE FROM customers WHERE customer_id % 200 = 11;
INSERT INTO customers
SELECT customer_id + n, 'new.' || (customer_id + n) || '@example.com', first_name, last_name, country,
       lifetime_value, 0, is_subscribed, birth_date, now()::TIMESTAMP, now(), 'joined today'
FROM customers, (SELECT max(customer_id) AS n FROM customers)
WHERE customer_id % 200 = 17;
