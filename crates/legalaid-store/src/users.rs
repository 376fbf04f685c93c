//! User accounts and their roles.

use crate::sessions::SessionRow;
use crate::{Page, Result, StoreError, Tx, like_pattern, scope_params};
use chrono::{DateTime, Utc};
use legalaid_domain::role::Role;
use legalaid_domain::unit::Unit;
use legalaid_domain::user::{User, UserFields};
use legalaid_domain::visibility::Scope;
use legalaid_domain::{StaffId, UnitId, UserId};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    username: String,
    display_name: String,
    unit_id: Option<i64>,
    staff_id: Option<i64>,
    active: bool,
    must_change_password: bool,
    version: i64,
}

const COLUMNS: &str = "us.id, us.username, us.display_name, us.unit_id, us.staff_id, us.active, us.must_change_password, us.version";

async fn roles_of(tx: &mut Tx, id: i64) -> Result<Vec<Role>> {
    const Q: &str = "SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role";
    let codes: Vec<String> = on_tx!(tx, c => sqlx::query_scalar(Q).bind(id).fetch_all(c).await?);
    parse_roles(id, codes.iter().map(String::as_str))
}

/// Role codes in the order of [`Role::ALL`].
fn parse_roles<'a>(id: i64, codes: impl Iterator<Item = &'a str>) -> Result<Vec<Role>> {
    let mut roles = codes
        .map(|r| {
            Role::parse(r).ok_or_else(|| StoreError::Corrupt(format!("user {id}: role {r:?}")))
        })
        .collect::<Result<Vec<_>>>()?;
    roles.sort_by_key(|r| Role::ALL.iter().position(|x| x == r));
    Ok(roles)
}

async fn hydrate(tx: &mut Tx, row: Row) -> Result<User> {
    let roles = roles_of(tx, row.id).await?;
    Ok(with_roles(row, roles))
}

fn with_roles(row: Row, roles: Vec<Role>) -> User {
    User {
        id: UserId(row.id),
        username: row.username,
        display_name: row.display_name,
        unit_id: row.unit_id.map(UnitId),
        staff_id: row.staff_id.map(StaffId),
        roles,
        active: row.active,
        must_change_password: row.must_change_password,
        version: row.version,
    }
}

pub async fn get(tx: &mut Tx, id: UserId) -> Result<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users us WHERE us.id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(c).await?);
    match row {
        Some(r) => Ok(Some(hydrate(tx, r).await?)),
        None => Ok(None),
    }
}

#[derive(sqlx::FromRow)]
struct SessionUserRow {
    #[sqlx(flatten)]
    session: SessionRow,
    #[sqlx(flatten)]
    user: Row,
    /// The user's role codes, comma-separated (none: NULL).
    role_codes: Option<String>,
    #[sqlx(flatten)]
    unit: UnitColumns,
}

#[derive(sqlx::FromRow)]
struct TokenUserRow {
    #[sqlx(flatten)]
    user: Row,
    /// The user's role codes, comma-separated (none: NULL).
    role_codes: Option<String>,
    #[sqlx(flatten)]
    unit: UnitColumns,
}

/// The user's unit, from a left join (all NULL without one).
#[derive(sqlx::FromRow)]
struct UnitColumns {
    un_id: Option<i64>,
    un_name: Option<String>,
    un_kind: Option<String>,
    un_workstation_host: Option<String>,
    un_region_code: Option<String>,
    un_address: Option<String>,
    un_contact_person: Option<String>,
    un_phone: Option<String>,
    un_office_hours: Option<String>,
    un_active: Option<bool>,
    un_version: Option<i64>,
}

impl UnitColumns {
    fn into_unit(self) -> Result<Option<Unit>> {
        let Some(id) = self.un_id else {
            return Ok(None);
        };
        let missing = || StoreError::Corrupt(format!("unit {id}: a column is NULL"));
        let row = crate::units::Row {
            id,
            name: self.un_name.ok_or_else(missing)?,
            kind: self.un_kind.ok_or_else(missing)?,
            workstation_host: self.un_workstation_host,
            region_code: self.un_region_code.ok_or_else(missing)?,
            address: self.un_address.ok_or_else(missing)?,
            contact_person: self.un_contact_person.ok_or_else(missing)?,
            phone: self.un_phone.ok_or_else(missing)?,
            office_hours: self.un_office_hours.ok_or_else(missing)?,
            active: self.un_active.ok_or_else(missing)?,
            version: self.un_version.ok_or_else(missing)?,
        };
        row.into_unit().map(Some)
    }
}

/// A user's columns, their role codes as one text (`role_codes`) and their unit
/// (`un_…`), read from `users us LEFT JOIN units un` ([`SessionUserRow`],
/// [`TokenUserRow`]).
fn account_columns(tx: &Tx) -> String {
    // The roles as one text: the dialects name the aggregate differently.
    let roles = match tx.backend() {
        crate::Backend::Sqlite => "group_concat(r.role, ',')",
        crate::Backend::Postgres => "string_agg(r.role, ',')",
    };
    format!(
        "{COLUMNS}, \
         (SELECT {roles} FROM user_roles r WHERE r.user_id = us.id) AS role_codes, \
         un.id AS un_id, un.name AS un_name, un.kind AS un_kind, \
         un.workstation_host AS un_workstation_host, un.region_code AS un_region_code, \
         un.address AS un_address, un.contact_person AS un_contact_person, un.phone AS un_phone, \
         un.office_hours AS un_office_hours, un.active AS un_active, un.version AS un_version"
    )
}

/// A user with their role codes and unit columns, as read by [`account_columns`].
fn account(user: Row, role_codes: Option<&str>, unit: UnitColumns) -> Result<(User, Option<Unit>)> {
    let codes = role_codes.unwrap_or("");
    let roles = parse_roles(user.id, codes.split(',').filter(|c| !c.is_empty()))?;
    Ok((with_roles(user, roles), unit.into_unit()?))
}

/// A web session by the hash of its id, with its user, the user's roles and unit,
/// in one statement (every signed-in request reads it; ADR 0040).
pub async fn of_session(
    tx: &mut Tx,
    id_hash: &str,
) -> Result<Option<(SessionRow, User, Option<Unit>)>> {
    let sql = format!(
        "SELECT s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, {} \
         FROM web_sessions s JOIN users us ON us.id = s.user_id \
         LEFT JOIN units un ON un.id = us.unit_id WHERE s.id_hash = $1",
        account_columns(tx)
    );
    let row: Option<SessionUserRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id_hash).fetch_optional(c).await?);
    let Some(r) = row else {
        return Ok(None);
    };
    let (user, unit) = account(r.user, r.role_codes.as_deref(), r.unit)?;
    Ok(Some((r.session, user, unit)))
}

/// The user of an API token unexpired at `now`, with their roles and unit, in one
/// statement (every API request reads it; a single statement sees one snapshot,
/// so an account changed meanwhile is never read half old).
pub async fn of_token(
    tx: &mut Tx,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(User, Option<Unit>)>> {
    let sql = format!(
        "SELECT {} FROM api_tokens t JOIN users us ON us.id = t.user_id \
         LEFT JOIN units un ON un.id = us.unit_id WHERE t.token_hash = $1 AND t.expires_at > $2",
        account_columns(tx)
    );
    let row: Option<TokenUserRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(token_hash).bind(now).fetch_optional(c).await?);
    row.map(|r| account(r.user, r.role_codes.as_deref(), r.unit))
        .transpose()
}

/// The user with this (normalised) username and their password hash.
pub async fn find_for_login(tx: &mut Tx, username: &str) -> Result<Option<(User, String)>> {
    const Q: &str = "SELECT id, password_hash FROM users WHERE username = $1";
    let row: Option<(i64, String)> =
        on_tx!(tx, c => sqlx::query_as(Q).bind(username).fetch_optional(c).await?);
    match row {
        Some((id, hash)) => Ok(get(tx, UserId(id)).await?.map(|u| (u, hash))),
        None => Ok(None),
    }
}

pub async fn password_hash(tx: &mut Tx, id: UserId) -> Result<Option<String>> {
    const Q: &str = "SELECT password_hash FROM users WHERE id = $1";
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q).bind(id.0).fetch_optional(c).await?))
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub q: Option<String>,
    pub unit_id: Option<UnitId>,
    pub role: Option<Role>,
}

/// Users whose unit lies in `scope`. Users without a unit are visible only to `Scope::All`.
pub async fn list(
    tx: &mut Tx,
    scope: &Scope,
    f: &UserFilter,
    page: Page,
) -> Result<(Vec<User>, i64)> {
    const FROM: &str = "FROM users us LEFT JOIN units u ON u.id = us.unit_id \
        WHERE ($1 IS NULL OR u.region_code LIKE $1) AND ($2 IS NULL OR u.id = $2) \
        AND ($3 IS NULL OR us.username LIKE $3 ESCAPE '\\' OR us.display_name LIKE $3 ESCAPE '\\') \
        AND ($4 IS NULL OR us.unit_id = $4) \
        AND ($5 IS NULL OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = us.id AND r.role = $5))";
    let (region, unit) = scope_params(scope);
    let q =
        f.q.as_deref()
            .filter(|q| !q.trim().is_empty())
            .map(like_pattern);
    let unit_filter = f.unit_id.map(|u| u.0);
    let role = f.role.map(|r| r.as_str());
    let list_sql = format!("SELECT {COLUMNS} {FROM} ORDER BY us.id LIMIT $6 OFFSET $7");
    let count_sql = format!("SELECT COUNT(*) {FROM}");
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(list_sql))
        .bind(&region).bind(unit).bind(&q).bind(unit_filter).bind(role).bind(page.per_page).bind(page.offset())
        .fetch_all(&mut *c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
        .bind(&region).bind(unit).bind(&q).bind(unit_filter).bind(role)
        .fetch_one(c).await?);
    let mut users = Vec::with_capacity(rows.len());
    for r in rows {
        users.push(hydrate(tx, r).await?);
    }
    Ok((users, total))
}

async fn set_roles(tx: &mut Tx, id: i64, roles: &[Role]) -> Result<()> {
    const DEL: &str = "DELETE FROM user_roles WHERE user_id = $1";
    const INS: &str = "INSERT INTO user_roles (user_id, role) VALUES ($1, $2)";
    on_tx!(tx, c => sqlx::query(DEL).bind(id).execute(c).await?.rows_affected());
    for r in roles {
        on_tx!(tx, c => sqlx::query(INS).bind(id).bind(r.as_str()).execute(c).await?.rows_affected());
    }
    Ok(())
}

pub async fn insert(
    tx: &mut Tx,
    username: &str,
    f: &UserFields,
    password_hash: &str,
    must_change_password: bool,
    now: DateTime<Utc>,
) -> Result<User> {
    const Q: &str = "INSERT INTO users (username, display_name, unit_id, staff_id, password_hash, must_change_password, active, version, created_at, updated_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(username).bind(&f.display_name).bind(f.unit_id.map(|u| u.0)).bind(f.staff_id.map(|s| s.0))
        .bind(password_hash).bind(must_change_password).bind(f.active).bind(now)
        .fetch_one(c).await?);
    set_roles(tx, id, &f.roles).await?;
    get(tx, UserId(id)).await?.ok_or(StoreError::NotFound)
}

pub async fn update(
    tx: &mut Tx,
    id: UserId,
    version: i64,
    f: &UserFields,
    now: DateTime<Utc>,
) -> Result<User> {
    const Q: &str = "UPDATE users SET display_name = $1, unit_id = $2, staff_id = $3, active = $4, version = version + 1, updated_at = $5 \
        WHERE id = $6 AND version = $7";
    let n = on_tx!(tx, c => sqlx::query(Q)
        .bind(&f.display_name).bind(f.unit_id.map(|u| u.0)).bind(f.staff_id.map(|s| s.0)).bind(f.active).bind(now)
        .bind(id.0).bind(version)
        .execute(c).await?.rows_affected());
    if n == 0 {
        return Err(match get(tx, id).await? {
            Some(_) => StoreError::VersionConflict,
            None => StoreError::NotFound,
        });
    }
    set_roles(tx, id.0, &f.roles).await?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

pub async fn set_password(
    tx: &mut Tx,
    id: UserId,
    hash: &str,
    must_change: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    const Q: &str = "UPDATE users SET password_hash = $1, must_change_password = $2, version = version + 1, updated_at = $3 WHERE id = $4";
    let n = on_tx!(tx, c => sqlx::query(Q).bind(hash).bind(must_change).bind(now).bind(id.0).execute(c).await?.rows_affected());
    if n == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

pub async fn count(tx: &mut Tx) -> Result<i64> {
    const Q: &str = "SELECT COUNT(*) FROM users";
    Ok(on_tx!(tx, c => sqlx::query_scalar(Q).fetch_one(c).await?))
}

/// The first active account linked to staff record `staff_id`, if any.
pub async fn of_staff(tx: &mut Tx, staff_id: i64) -> Result<Option<User>> {
    const Q: &str = "SELECT id FROM users WHERE staff_id = $1 AND active ORDER BY id LIMIT 1";
    let id: Option<i64> =
        on_tx!(tx, c => sqlx::query_scalar(Q).bind(staff_id).fetch_optional(c).await?);
    match id {
        Some(id) => get(tx, UserId(id)).await,
        None => Ok(None),
    }
}

/// The active accounts linked to a staff record, as (staff id, unit id), in the
/// order they were created.
pub async fn with_staff(tx: &mut Tx) -> Result<Vec<(i64, i64)>> {
    const Q: &str = "SELECT staff_id, unit_id FROM users \
        WHERE staff_id IS NOT NULL AND unit_id IS NOT NULL AND active ORDER BY id";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).fetch_all(c).await?))
}
