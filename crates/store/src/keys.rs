//! API keys: only a hash of each key is stored; the key itself is shown once, at creation.

use crate::{Store, StoreError};
use serde::Serialize;
use uuid::Uuid;

/// A key as it is listed: never the key itself, which only its holder has.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyRow {
    /// Its id, to revoke it by.
    pub id: Uuid,
    /// `admin`, `submitter` or `viewer`.
    pub role: String,
    /// The note given at creation.
    pub label: String,
    /// When it was made (UTC, RFC 3339).
    pub created_at: String,
    /// When it was revoked; null while it works.
    pub revoked_at: Option<String>,
}

/// What a key may do, from least to most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Read results and the dashboard.
    Viewer,
    /// Post candidates, ask for selections and simulations.
    Submitter,
    /// Everything, hidden test data included.
    Admin,
}

impl Role {
    /// The name stored and accepted on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Submitter => "submitter",
            Role::Admin => "admin",
        }
    }

    /// Parses a role name.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "viewer" => Some(Role::Viewer),
            "submitter" => Some(Role::Submitter),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

fn digest(key: &str) -> [u8; 32] {
    *blake3::hash(key.as_bytes()).as_bytes()
}

impl Store {
    /// Creates a key for `role`; returns it (the only time it is visible).
    pub async fn create_api_key(&self, role: Role, label: &str) -> Result<String, StoreError> {
        let key = format!(
            "sieve_{}{}",
            Uuid::new_v4().simple(),
            Uuid::new_v4().simple()
        );
        sqlx::query!(
            "INSERT INTO api_keys (id, key_hash, role, label) VALUES ($1, $2, $3, $4)",
            Uuid::now_v7(),
            &digest(&key)[..],
            role.name(),
            label
        )
        .execute(self.pool())
        .await?;
        Ok(key)
    }

    /// Every key, oldest first, revoked ones included.
    pub async fn api_keys(&self) -> Result<Vec<KeyRow>, StoreError> {
        Ok(sqlx::query_as!(
            KeyRow,
            r#"SELECT id, role, label,
                   to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "created_at!",
                   to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "revoked_at?"
               FROM api_keys ORDER BY created_at, id"#
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Revokes key `id` (from then on it authenticates nothing); revoking a revoked key changes
    /// nothing. `None` when there is no such key.
    pub async fn revoke_api_key(&self, id: Uuid) -> Result<Option<KeyRow>, StoreError> {
        Ok(sqlx::query_as!(
            KeyRow,
            r#"UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1
               RETURNING id, role, label,
                   to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "created_at!",
                   to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "revoked_at?""#,
            id
        )
        .fetch_optional(self.pool())
        .await?)
    }

    /// The role of an unrevoked key.
    pub async fn role_of_key(&self, key: &str) -> Result<Option<Role>, StoreError> {
        Ok(self.api_key(key).await?.map(|(_, role)| role))
    }

    /// The id and role of an unrevoked key.
    pub async fn api_key(&self, key: &str) -> Result<Option<(Uuid, Role)>, StoreError> {
        let row = sqlx::query!(
            "SELECT id, role FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL",
            &digest(key)[..]
        )
        .fetch_optional(self.pool())
        .await?;
        Ok(row.and_then(|r| Some((r.id, Role::parse(&r.role)?))))
    }
}
