// @generated automatically by Diesel CLI.

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

diesel::joinable!(audit_events -> users (user_id));
diesel::joinable!(sessions -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(audit_events, login_attempts, sessions, users,);
