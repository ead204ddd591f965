-- The schema the migrations in Sources/SubanStore/migrations make, dumped by scripts/schema.sh.
-- Generated: change a migration (a new file), then run scripts/schema.sh; CI compares.
--
-- PostgreSQL database dump
--

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: suban_month_partitions(text, date, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.suban_month_partitions(parent text, first_day date, months integer) RETURNS integer
    LANGUAGE plpgsql
    AS $$
DECLARE
    month date := date_trunc('month', first_day)::date;
    created int := 0;
    name text;
    low timestamptz;
    high timestamptz;
BEGIN
    FOR i IN 1..months LOOP
        name := parent || '_' || to_char(month, 'YYYYMM');
        low := month::timestamp AT TIME ZONE 'Asia/Shanghai';
        high := (month + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai';
        IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS)', name, parent);
            EXECUTE format('WITH moved AS (DELETE FROM %I WHERE at >= %L AND at < %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
                           parent || '_default', low, high, name);
            EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, name, low, high);
            created := created + 1;
        END IF;
        month := (month + interval '1 month')::date;
    END LOOP;
    RETURN created;
END $$;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: analytics_applied; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.analytics_applied (
    entry_id text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: analytics_daily; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.analytics_daily (
    day date NOT NULL,
    category text NOT NULL,
    item text NOT NULL,
    district text NOT NULL,
    street text NOT NULL,
    department text NOT NULL,
    channel text NOT NULL,
    received integer DEFAULT 0 NOT NULL,
    dispatched integer DEFAULT 0 NOT NULL,
    replied integer DEFAULT 0 NOT NULL,
    closed integer DEFAULT 0 NOT NULL,
    overdue integer DEFAULT 0 NOT NULL,
    returned integer DEFAULT 0 NOT NULL,
    dissatisfaction_returns integer DEFAULT 0 NOT NULL,
    handling_days double precision DEFAULT 0 NOT NULL,
    on_time integer DEFAULT 0 NOT NULL,
    rated integer DEFAULT 0 NOT NULL,
    satisfied integer DEFAULT 0 NOT NULL,
    speed integer DEFAULT 0 NOT NULL,
    effect integer DEFAULT 0 NOT NULL,
    service integer DEFAULT 0 NOT NULL,
    quality integer DEFAULT 0 NOT NULL,
    first_time_right integer DEFAULT 0 NOT NULL
);

--
-- Name: api_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.api_keys (
    id bigint NOT NULL,
    token_sha256 text NOT NULL,
    role text NOT NULL,
    department_code text,
    label text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    revoked_at timestamp with time zone,
    expires_at timestamp with time zone,
    channel text,
    CONSTRAINT api_keys_channel_check CHECK (((role = 'channel'::text) = (channel IS NOT NULL))),
    CONSTRAINT api_keys_check CHECK (((role = 'department'::text) = (department_code IS NOT NULL))),
    CONSTRAINT api_keys_role_check CHECK ((role = ANY (ARRAY['department'::text, 'operator'::text, 'channel'::text])))
);

--
-- Name: api_keys_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.api_keys_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: api_keys_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.api_keys_id_seq OWNED BY public.api_keys.id;

--
-- Name: assignments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.assignments (
    id bigint NOT NULL,
    ticket_id uuid NOT NULL,
    department_code text NOT NULL,
    role text NOT NULL,
    status text DEFAULT 'queued'::text NOT NULL,
    assigned_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT assignments_role_check CHECK ((role = ANY (ARRAY['lead'::text, 'co-handler'::text])))
);

--
-- Name: assignments_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.assignments_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: assignments_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.assignments_id_seq OWNED BY public.assignments.id;

--
-- Name: callback_visits; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.callback_visits (
    id bigint NOT NULL,
    ticket_id uuid NOT NULL,
    round integer NOT NULL,
    opened_at timestamp with time zone DEFAULT now() NOT NULL,
    done_at timestamp with time zone,
    solved boolean,
    note text
);

--
-- Name: callback_visits_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.callback_visits_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: callback_visits_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.callback_visits_id_seq OWNED BY public.callback_visits.id;

--
-- Name: catalog_categories; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_categories (
    code text NOT NULL,
    name text NOT NULL
);

--
-- Name: catalog_items; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_items (
    code text NOT NULL,
    category_code text NOT NULL,
    name text NOT NULL,
    lead text NOT NULL,
    co_handlers text[] DEFAULT '{}'::text[] NOT NULL,
    keywords text[] DEFAULT '{}'::text[] NOT NULL,
    active boolean DEFAULT true NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    urgent_by_nature boolean DEFAULT false NOT NULL
);

--
-- Name: citizen_contacts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.citizen_contacts (
    ticket_id uuid NOT NULL,
    phone text NOT NULL,
    verified boolean DEFAULT false NOT NULL
);

--
-- Name: class_cases; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.class_cases (
    id bigint NOT NULL,
    item text NOT NULL,
    place_key text NOT NULL,
    label text NOT NULL,
    district text NOT NULL,
    first_seen timestamp with time zone NOT NULL,
    last_seen timestamp with time zone NOT NULL,
    status text DEFAULT 'open'::text NOT NULL,
    lead_department text,
    note text,
    governance_since timestamp with time zone,
    CONSTRAINT class_cases_status_check CHECK ((status = ANY (ARRAY['open'::text, 'governance'::text])))
);

--
-- Name: class_cases_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.class_cases_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: class_cases_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.class_cases_id_seq OWNED BY public.class_cases.id;

--
-- Name: departments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.departments (
    code text NOT NULL,
    name text NOT NULL,
    level text NOT NULL,
    district_code text,
    active boolean DEFAULT true NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT departments_level_check CHECK ((level = ANY (ARRAY['city'::text, 'district'::text, 'street'::text])))
);

--
-- Name: dispatch_models; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.dispatch_models (
    version integer NOT NULL,
    status text NOT NULL,
    model bytea NOT NULL,
    trained_on jsonb NOT NULL,
    report jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    promoted_at timestamp with time zone,
    CONSTRAINT dispatch_models_status_check CHECK ((status = ANY (ARRAY['candidate'::text, 'shadow'::text, 'active'::text, 'retired'::text])))
);

--
-- Name: dispatch_models_version_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.dispatch_models_version_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: dispatch_models_version_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.dispatch_models_version_seq OWNED BY public.dispatch_models.version;

--
-- Name: holiday_arrangements; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.holiday_arrangements (
    year integer NOT NULL,
    holidays date[] NOT NULL,
    make_up_workdays date[] NOT NULL,
    source text,
    loaded_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: hot_issue_days; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.hot_issue_days (
    day date NOT NULL,
    closed_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: hot_issues; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.hot_issues (
    day date NOT NULL,
    kind text NOT NULL,
    rank integer NOT NULL,
    key text NOT NULL,
    label text NOT NULL,
    count integer NOT NULL,
    previous integer NOT NULL,
    samples jsonb NOT NULL,
    CONSTRAINT hot_issues_kind_check CHECK ((kind = ANY (ARRAY['item'::text, 'place'::text])))
);

--
-- Name: notifications; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.notifications (
    id bigint NOT NULL,
    ticket_id uuid NOT NULL,
    dedupe_key text NOT NULL,
    recipient text NOT NULL,
    transport text NOT NULL,
    payload jsonb NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    claimed_until timestamp with time zone,
    last_error text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    sent_at timestamp with time zone,
    CONSTRAINT notifications_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'sent'::text, 'dead'::text, 'capped'::text]))),
    CONSTRAINT notifications_transport_check CHECK ((transport = ANY (ARRAY['sms'::text, 'webhook'::text])))
);

--
-- Name: notifications_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.notifications_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: notifications_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.notifications_id_seq OWNED BY public.notifications.id;

--
-- Name: outbox; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.outbox (
    id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    claimed_until timestamp with time zone,
    messages jsonb NOT NULL
);

--
-- Name: outbox_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.outbox_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: outbox_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.outbox_id_seq OWNED BY public.outbox.id;

--
-- Name: place_data; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.place_data (
    kind text NOT NULL,
    content text NOT NULL,
    replaces_shipped boolean DEFAULT false NOT NULL,
    entries integer NOT NULL,
    loaded_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT place_data_kind_check CHECK ((kind = ANY (ARRAY['gazetteer'::text, 'boundaries'::text])))
);

--
-- Name: platform_secrets; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.platform_secrets (
    name text NOT NULL,
    secret bytea NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: ratings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ratings (
    ticket_id uuid NOT NULL,
    round integer NOT NULL,
    speed smallint NOT NULL,
    effect smallint NOT NULL,
    service smallint NOT NULL,
    quality smallint NOT NULL,
    satisfied boolean NOT NULL,
    comment text,
    rated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ratings_effect_check CHECK (((effect >= 1) AND (effect <= 5))),
    CONSTRAINT ratings_quality_check CHECK (((quality >= 1) AND (quality <= 5))),
    CONSTRAINT ratings_service_check CHECK (((service >= 1) AND (service <= 5))),
    CONSTRAINT ratings_speed_check CHECK (((speed >= 1) AND (speed <= 5)))
);

--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL,
    checksum text
);

--
-- Name: sla_clocks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sla_clocks (
    id bigint NOT NULL,
    ticket_id uuid NOT NULL,
    assignment_id bigint,
    department_code text,
    kind text NOT NULL,
    milestone integer,
    title text,
    starts_at timestamp with time zone NOT NULL,
    due_at timestamp with time zone NOT NULL,
    fired text[] DEFAULT '{}'::text[] NOT NULL,
    next_at timestamp with time zone,
    stopped_at timestamp with time zone,
    CONSTRAINT sla_clocks_kind_check CHECK ((kind = ANY (ARRAY['dispatch'::text, 'intervention'::text, 'reply'::text, 'milestone'::text])))
);

--
-- Name: sla_clocks_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.sla_clocks_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: sla_clocks_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.sla_clocks_id_seq OWNED BY public.sla_clocks.id;

--
-- Name: supervisions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.supervisions (
    id bigint NOT NULL,
    ticket_id uuid NOT NULL,
    department_code text,
    kind text NOT NULL,
    clock_id bigint,
    reason text NOT NULL,
    opened_at timestamp with time zone DEFAULT now() NOT NULL,
    closed_at timestamp with time zone,
    CONSTRAINT supervisions_kind_check CHECK ((kind = ANY (ARRAY['overdue'::text, 'escalated'::text, 'milestone'::text, 'special'::text])))
);

--
-- Name: supervisions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.supervisions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: supervisions_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.supervisions_id_seq OWNED BY public.supervisions.id;

--
-- Name: ticket_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ticket_events (
    id bigint NOT NULL,
    ticket_id uuid NOT NULL,
    kind text NOT NULL,
    department_code text,
    detail jsonb DEFAULT '{}'::jsonb NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL
)
PARTITION BY RANGE (at);

--
-- Name: ticket_events_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.ticket_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: ticket_events_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.ticket_events_id_seq OWNED BY public.ticket_events.id;

--
-- Name: ticket_events_default; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ticket_events_default (
    id bigint DEFAULT nextval('public.ticket_events_id_seq'::regclass) NOT NULL,
    ticket_id uuid NOT NULL,
    kind text NOT NULL,
    department_code text,
    detail jsonb DEFAULT '{}'::jsonb NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: ticket_places; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ticket_places (
    ticket_id uuid NOT NULL,
    received_at timestamp with time zone NOT NULL,
    item text NOT NULL,
    district text NOT NULL,
    place_key text NOT NULL,
    place_label text NOT NULL
);

--
-- Name: tickets; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tickets (
    id uuid NOT NULL,
    tracking_code text NOT NULL,
    channel text NOT NULL,
    channel_ref text NOT NULL,
    type text NOT NULL,
    urgent boolean NOT NULL,
    text text NOT NULL,
    district_code text,
    street_code text,
    community text,
    address text,
    latitude double precision,
    longitude double precision,
    anonymous boolean NOT NULL,
    attachments jsonb DEFAULT '[]'::jsonb NOT NULL,
    status text NOT NULL,
    category_code text,
    item_code text,
    confidence real,
    received_at timestamp with time zone NOT NULL,
    dispatch_due_at timestamp with time zone NOT NULL,
    dispatched_at timestamp with time zone,
    reply_due_at timestamp with time zone,
    reply_due_provisional boolean DEFAULT false NOT NULL,
    intervene_due_at timestamp with time zone,
    round integer DEFAULT 1 NOT NULL,
    extensions integer DEFAULT 0 NOT NULL,
    visit_open boolean DEFAULT false NOT NULL,
    leader text,
    outcome text,
    closed_at timestamp with time zone,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    parent_id uuid,
    item_candidates jsonb,
    place_keys text[],
    place_numbers text[],
    appeal_digest text,
    requested_item text,
    CONSTRAINT tickets_extensions_check CHECK (((extensions >= 0) AND (extensions <= 2)))
);

--
-- Name: training_examples; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.training_examples (
    id bigint NOT NULL,
    ticket_id uuid,
    text text NOT NULL,
    item_code text NOT NULL,
    urgent boolean,
    source text NOT NULL,
    operator text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT training_examples_source_check CHECK ((source = ANY (ARRAY['triage'::text, 'arbitration'::text, 'return-upheld'::text, 'unlink'::text, 'reclassify'::text, 'import'::text])))
);

--
-- Name: training_examples_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.training_examples_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: training_examples_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.training_examples_id_seq OWNED BY public.training_examples.id;

--
-- Name: virtual_number_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.virtual_number_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: virtual_numbers; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.virtual_numbers (
    ticket_id uuid NOT NULL,
    number text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: ticket_events_default; Type: TABLE ATTACH; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ticket_events ATTACH PARTITION public.ticket_events_default DEFAULT;

--
-- Name: api_keys id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_keys ALTER COLUMN id SET DEFAULT nextval('public.api_keys_id_seq'::regclass);

--
-- Name: assignments id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assignments ALTER COLUMN id SET DEFAULT nextval('public.assignments_id_seq'::regclass);

--
-- Name: callback_visits id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.callback_visits ALTER COLUMN id SET DEFAULT nextval('public.callback_visits_id_seq'::regclass);

--
-- Name: class_cases id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.class_cases ALTER COLUMN id SET DEFAULT nextval('public.class_cases_id_seq'::regclass);

--
-- Name: dispatch_models version; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.dispatch_models ALTER COLUMN version SET DEFAULT nextval('public.dispatch_models_version_seq'::regclass);

--
-- Name: notifications id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications ALTER COLUMN id SET DEFAULT nextval('public.notifications_id_seq'::regclass);

--
-- Name: outbox id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outbox ALTER COLUMN id SET DEFAULT nextval('public.outbox_id_seq'::regclass);

--
-- Name: sla_clocks id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sla_clocks ALTER COLUMN id SET DEFAULT nextval('public.sla_clocks_id_seq'::regclass);

--
-- Name: supervisions id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.supervisions ALTER COLUMN id SET DEFAULT nextval('public.supervisions_id_seq'::regclass);

--
-- Name: ticket_events id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ticket_events ALTER COLUMN id SET DEFAULT nextval('public.ticket_events_id_seq'::regclass);

--
-- Name: training_examples id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.training_examples ALTER COLUMN id SET DEFAULT nextval('public.training_examples_id_seq'::regclass);

--
-- Name: analytics_applied analytics_applied_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.analytics_applied
    ADD CONSTRAINT analytics_applied_pkey PRIMARY KEY (entry_id);

--
-- Name: analytics_daily analytics_daily_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.analytics_daily
    ADD CONSTRAINT analytics_daily_pkey PRIMARY KEY (day, category, item, district, street, department, channel);

--
-- Name: api_keys api_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_keys
    ADD CONSTRAINT api_keys_pkey PRIMARY KEY (id);

--
-- Name: api_keys api_keys_token_sha256_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_keys
    ADD CONSTRAINT api_keys_token_sha256_key UNIQUE (token_sha256);

--
-- Name: assignments assignments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assignments
    ADD CONSTRAINT assignments_pkey PRIMARY KEY (id);

--
-- Name: assignments assignments_ticket_id_department_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assignments
    ADD CONSTRAINT assignments_ticket_id_department_code_key UNIQUE (ticket_id, department_code);

--
-- Name: callback_visits callback_visits_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.callback_visits
    ADD CONSTRAINT callback_visits_pkey PRIMARY KEY (id);

--
-- Name: callback_visits callback_visits_ticket_id_round_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.callback_visits
    ADD CONSTRAINT callback_visits_ticket_id_round_key UNIQUE (ticket_id, round);

--
-- Name: catalog_categories catalog_categories_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_categories
    ADD CONSTRAINT catalog_categories_pkey PRIMARY KEY (code);

--
-- Name: catalog_items catalog_items_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_items
    ADD CONSTRAINT catalog_items_pkey PRIMARY KEY (code);

--
-- Name: citizen_contacts citizen_contacts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.citizen_contacts
    ADD CONSTRAINT citizen_contacts_pkey PRIMARY KEY (ticket_id);

--
-- Name: class_cases class_cases_item_place_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.class_cases
    ADD CONSTRAINT class_cases_item_place_key_key UNIQUE (item, place_key);

--
-- Name: class_cases class_cases_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.class_cases
    ADD CONSTRAINT class_cases_pkey PRIMARY KEY (id);

--
-- Name: departments departments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.departments
    ADD CONSTRAINT departments_pkey PRIMARY KEY (code);

--
-- Name: dispatch_models dispatch_models_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.dispatch_models
    ADD CONSTRAINT dispatch_models_pkey PRIMARY KEY (version);

--
-- Name: holiday_arrangements holiday_arrangements_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.holiday_arrangements
    ADD CONSTRAINT holiday_arrangements_pkey PRIMARY KEY (year);

--
-- Name: hot_issue_days hot_issue_days_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.hot_issue_days
    ADD CONSTRAINT hot_issue_days_pkey PRIMARY KEY (day);

--
-- Name: hot_issues hot_issues_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.hot_issues
    ADD CONSTRAINT hot_issues_pkey PRIMARY KEY (day, kind, rank);

--
-- Name: notifications notifications_dedupe_key_recipient_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_dedupe_key_recipient_key UNIQUE (dedupe_key, recipient);

--
-- Name: notifications notifications_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_pkey PRIMARY KEY (id);

--
-- Name: outbox outbox_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outbox
    ADD CONSTRAINT outbox_pkey PRIMARY KEY (id);

--
-- Name: place_data place_data_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.place_data
    ADD CONSTRAINT place_data_pkey PRIMARY KEY (kind);

--
-- Name: platform_secrets platform_secrets_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.platform_secrets
    ADD CONSTRAINT platform_secrets_pkey PRIMARY KEY (name);

--
-- Name: ratings ratings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ratings
    ADD CONSTRAINT ratings_pkey PRIMARY KEY (ticket_id, round);

--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);

--
-- Name: sla_clocks sla_clocks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sla_clocks
    ADD CONSTRAINT sla_clocks_pkey PRIMARY KEY (id);

--
-- Name: supervisions supervisions_clock_id_kind_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.supervisions
    ADD CONSTRAINT supervisions_clock_id_kind_key UNIQUE (clock_id, kind);

--
-- Name: supervisions supervisions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.supervisions
    ADD CONSTRAINT supervisions_pkey PRIMARY KEY (id);

--
-- Name: ticket_events ticket_events_pkey1; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ticket_events
    ADD CONSTRAINT ticket_events_pkey1 PRIMARY KEY (id, at);

--
-- Name: ticket_events_default ticket_events_default_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ticket_events_default
    ADD CONSTRAINT ticket_events_default_pkey PRIMARY KEY (id, at);

--
-- Name: ticket_places ticket_places_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ticket_places
    ADD CONSTRAINT ticket_places_pkey PRIMARY KEY (ticket_id);

--
-- Name: tickets tickets_channel_channel_ref_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets
    ADD CONSTRAINT tickets_channel_channel_ref_key UNIQUE (channel, channel_ref);

--
-- Name: tickets tickets_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets
    ADD CONSTRAINT tickets_pkey PRIMARY KEY (id);

--
-- Name: tickets tickets_tracking_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets
    ADD CONSTRAINT tickets_tracking_code_key UNIQUE (tracking_code);

--
-- Name: training_examples training_examples_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.training_examples
    ADD CONSTRAINT training_examples_pkey PRIMARY KEY (id);

--
-- Name: training_examples training_examples_ticket_id_source_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.training_examples
    ADD CONSTRAINT training_examples_ticket_id_source_key UNIQUE (ticket_id, source);

--
-- Name: virtual_numbers virtual_numbers_number_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.virtual_numbers
    ADD CONSTRAINT virtual_numbers_number_key UNIQUE (number);

--
-- Name: virtual_numbers virtual_numbers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.virtual_numbers
    ADD CONSTRAINT virtual_numbers_pkey PRIMARY KEY (ticket_id);

--
-- Name: analytics_applied_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX analytics_applied_at ON public.analytics_applied USING btree (applied_at);

--
-- Name: assignments_department; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX assignments_department ON public.assignments USING btree (department_code, status);

--
-- Name: assignments_disputed; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX assignments_disputed ON public.assignments USING btree (assigned_at) WHERE (status = 'disputed'::text);

--
-- Name: assignments_ticket; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX assignments_ticket ON public.assignments USING btree (ticket_id);

--
-- Name: callback_visits_open; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX callback_visits_open ON public.callback_visits USING btree (opened_at) WHERE (done_at IS NULL);

--
-- Name: citizen_contacts_phone; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX citizen_contacts_phone ON public.citizen_contacts USING btree (phone);

--
-- Name: dispatch_models_one_active; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX dispatch_models_one_active ON public.dispatch_models USING btree (status) WHERE (status = 'active'::text);

--
-- Name: dispatch_models_one_shadow; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX dispatch_models_one_shadow ON public.dispatch_models USING btree (status) WHERE (status = 'shadow'::text);

--
-- Name: notifications_due; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notifications_due ON public.notifications USING btree (next_attempt_at) WHERE (status = 'pending'::text);

--
-- Name: notifications_sms_by_ticket; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notifications_sms_by_ticket ON public.notifications USING btree (ticket_id, created_at) WHERE (transport = 'sms'::text);

--
-- Name: outbox_created_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX outbox_created_at ON public.outbox USING btree (created_at);

--
-- Name: sla_clocks_next_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sla_clocks_next_at ON public.sla_clocks USING btree (next_at) WHERE (next_at IS NOT NULL);

--
-- Name: sla_clocks_ticket; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sla_clocks_ticket ON public.sla_clocks USING btree (ticket_id);

--
-- Name: supervisions_open; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX supervisions_open ON public.supervisions USING btree (opened_at) WHERE (closed_at IS NULL);

--
-- Name: ticket_events_ticket; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ticket_events_ticket ON ONLY public.ticket_events USING btree (ticket_id, id);

--
-- Name: ticket_events_default_ticket_id_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ticket_events_default_ticket_id_id_idx ON public.ticket_events_default USING btree (ticket_id, id);

--
-- Name: ticket_places_case; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ticket_places_case ON public.ticket_places USING btree (item, place_key, received_at);

--
-- Name: ticket_places_received; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ticket_places_received ON public.ticket_places USING btree (received_at);

--
-- Name: tickets_channel_received_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_channel_received_at ON public.tickets USING btree (channel, received_at DESC);

--
-- Name: tickets_children; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_children ON public.tickets USING btree (parent_id) WHERE (parent_id IS NOT NULL);

--
-- Name: tickets_dispatched_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_dispatched_at ON public.tickets USING btree (dispatched_at) WHERE (dispatched_at IS NOT NULL);

--
-- Name: tickets_open_parents; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_open_parents ON public.tickets USING btree (category_code, street_code, received_at) WHERE ((parent_id IS NULL) AND (status = ANY (ARRAY['dispatched'::text, 'accepted'::text, 'staged'::text, 'reopened'::text])));

--
-- Name: tickets_received_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_received_at ON public.tickets USING btree (received_at);

--
-- Name: tickets_reply_due_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_reply_due_at ON public.tickets USING btree (reply_due_at) WHERE (reply_due_at IS NOT NULL);

--
-- Name: tickets_status_received_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_status_received_at ON public.tickets USING btree (status, received_at);

--
-- Name: tickets_triage; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_triage ON public.tickets USING btree (received_at) WHERE (status = 'triage'::text);

--
-- Name: ticket_events_default_pkey; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ticket_events_pkey1 ATTACH PARTITION public.ticket_events_default_pkey;

--
-- Name: ticket_events_default_ticket_id_id_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ticket_events_ticket ATTACH PARTITION public.ticket_events_default_ticket_id_id_idx;

--
-- Name: api_keys api_keys_department_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_keys
    ADD CONSTRAINT api_keys_department_code_fkey FOREIGN KEY (department_code) REFERENCES public.departments(code);

--
-- Name: assignments assignments_department_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assignments
    ADD CONSTRAINT assignments_department_code_fkey FOREIGN KEY (department_code) REFERENCES public.departments(code);

--
-- Name: assignments assignments_ticket_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assignments
    ADD CONSTRAINT assignments_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id);

--
-- Name: callback_visits callback_visits_ticket_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.callback_visits
    ADD CONSTRAINT callback_visits_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id);

--
-- Name: catalog_items catalog_items_category_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_items
    ADD CONSTRAINT catalog_items_category_code_fkey FOREIGN KEY (category_code) REFERENCES public.catalog_categories(code);

--
-- Name: citizen_contacts citizen_contacts_ticket_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.citizen_contacts
    ADD CONSTRAINT citizen_contacts_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id);

--
-- Name: class_cases class_cases_lead_department_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.class_cases
    ADD CONSTRAINT class_cases_lead_department_fkey FOREIGN KEY (lead_department) REFERENCES public.departments(code);

--
-- Name: notifications notifications_ticket_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id);

--
-- Name: ratings ratings_ticket_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ratings
    ADD CONSTRAINT ratings_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id);

--
-- Name: sla_clocks sla_clocks_assignment_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sla_clocks
    ADD CONSTRAINT sla_clocks_assignment_id_fkey FOREIGN KEY (assignment_id) REFERENCES public.assignments(id);

--
-- Name: sla_clocks sla_clocks_ticket_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sla_clocks
    ADD CONSTRAINT sla_clocks_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id);

--
-- Name: supervisions supervisions_clock_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.supervisions
    ADD CONSTRAINT supervisions_clock_id_fkey FOREIGN KEY (clock_id) REFERENCES public.sla_clocks(id);

--
-- Name: supervisions supervisions_ticket_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.supervisions
    ADD CONSTRAINT supervisions_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id);

--
-- Name: ticket_events ticket_events_ticket_id_fkey1; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE public.ticket_events
    ADD CONSTRAINT ticket_events_ticket_id_fkey1 FOREIGN KEY (ticket_id) REFERENCES public.tickets(id);

--
-- Name: ticket_places ticket_places_ticket_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ticket_places
    ADD CONSTRAINT ticket_places_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id);

--
-- Name: tickets tickets_parent_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets
    ADD CONSTRAINT tickets_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES public.tickets(id);

--
-- Name: training_examples training_examples_ticket_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.training_examples
    ADD CONSTRAINT training_examples_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id);

--
-- Name: virtual_numbers virtual_numbers_ticket_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.virtual_numbers
    ADD CONSTRAINT virtual_numbers_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id);

--
-- PostgreSQL database dump complete
--
