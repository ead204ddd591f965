-- a city's own address base and street-office boundaries, loaded by suban gazetteer
-- One row per kind: 'gazetteer' holds the CSV a city loaded (name,aliases,kind,district,street,note),
-- 'boundaries' the GeoJSON of its street offices. Dispatch re-reads them with the catalog.
CREATE TABLE place_data (
    kind text PRIMARY KEY CHECK (kind IN ('gazetteer', 'boundaries')),
    content text NOT NULL,
    -- For the gazetteer: true when it replaces the shipped places instead of adding to them.
    replaces_shipped boolean NOT NULL DEFAULT false,
    entries integer NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now()
);
