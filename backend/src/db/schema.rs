// @generated automatically by Diesel CLI.

diesel::table! {
    api_tokens (id) {
        id -> Uuid,
        user_id -> Uuid,
        name -> Text,
        prefix -> Text,
        hash -> Bytea,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Int8,
        at -> Timestamptz,
        user_id -> Nullable<Uuid>,
        username -> Nullable<Text>,
        action -> Text,
        cluster -> Nullable<Text>,
        namespace -> Nullable<Text>,
        resource_kind -> Nullable<Text>,
        resource_name -> Nullable<Text>,
        result -> Text,
        detail -> Jsonb,
        ip -> Nullable<Text>,
        request_id -> Nullable<Text>,
    }
}

diesel::table! {
    clusters (id) {
        id -> Uuid,
        name -> Text,
        description -> Text,
        environment -> Text,
        colour -> Text,
        read_only -> Bool,
        server_url -> Text,
        auth_kind -> Text,
        credentials -> Bytea,
        status -> Text,
        reason -> Nullable<Text>,
        version -> Nullable<Text>,
        node_count -> Nullable<Int4>,
        ready_nodes -> Nullable<Int4>,
        master_nodes -> Nullable<Int4>,
        worker_nodes -> Nullable<Int4>,
        pod_count -> Nullable<Int4>,
        namespace_count -> Nullable<Int4>,
        latency_ms -> Nullable<Int4>,
        last_sync_at -> Nullable<Timestamptz>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        is_default -> Bool,
        keep_ended_logs -> Bool,
    }
}

diesel::table! {
    ended_pod_logs (id) {
        id -> Int8,
        cluster_id -> Uuid,
        namespace -> Text,
        pod_name -> Text,
        pod_uid -> Text,
        node_name -> Nullable<Text>,
        owner -> Nullable<Text>,
        workload_kind -> Nullable<Text>,
        workload_name -> Nullable<Text>,
        container -> Text,
        init_container -> Bool,
        exit_code -> Nullable<Int4>,
        reason -> Nullable<Text>,
        started_at -> Nullable<Timestamptz>,
        finished_at -> Nullable<Timestamptz>,
        ended_at -> Timestamptz,
        log -> Text,
        bytes -> Int4,
        truncated -> Bool,
        note -> Nullable<Text>,
        captured_at -> Timestamptz,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> Int8,
        username -> Text,
        ip -> Text,
        at -> Timestamptz,
        success -> Bool,
    }
}

diesel::table! {
    sessions (id) {
        id -> Bytea,
        user_id -> Uuid,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        last_seen_at -> Timestamptz,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        username -> Text,
        display_name -> Text,
        password_hash -> Text,
        is_admin -> Bool,
        disabled -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(audit_events -> users (user_id));
diesel::joinable!(clusters -> users (created_by));
diesel::joinable!(ended_pod_logs -> clusters (cluster_id));
diesel::joinable!(sessions -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    api_tokens,
    audit_events,
    clusters,
    ended_pod_logs,
    login_attempts,
    sessions,
    users,
);
