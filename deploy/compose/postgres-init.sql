-- Run once by the postgres image on an empty data volume: the warehouse's own database
-- (WAREHOUSE_URL), beside Folio's transactional one (POSTGRES_DB, DATABASE_URL).
CREATE DATABASE folio_warehouse OWNER folio;
