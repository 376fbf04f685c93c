//! Supervision orders (督办) and their steps (migration 0027).

use crate::{Page, Result, StoreError, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use legalaid_domain::SupervisionOrderId;
use legalaid_domain::supervision::order::{Escalation, Figures, Indicator, OrderStatus};
use serde::Serialize;

/// A supervision order as stored.
#[derive(Debug, Clone, Serialize)]
pub struct SupervisionOrder {
    pub id: i64,
    /// The issuing bureau and its region.
    pub unit_id: i64,
    pub region_code: String,
    pub target_unit_id: i64,
    pub year: i32,
    pub indicator: Indicator,
    /// The indicator's data on the day of issue.
    pub figures: Figures,
    pub requirement: String,
    pub issued_on: NaiveDate,
    /// The deadline of the unit's answer now running (moved by a return or an
    /// escalation).
    pub deadline: NaiveDate,
    pub status: OrderStatus,
    pub escalation: Escalation,
    pub issued_by: i64,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    unit_id: i64,
    region_code: String,
    target_unit_id: i64,
    year: i32,
    #[sqlx(try_from = "String")]
    indicator: Indicator,
    figures: String,
    requirement: String,
    issued_on: NaiveDate,
    deadline: NaiveDate,
    #[sqlx(try_from = "String")]
    status: OrderStatus,
    #[sqlx(try_from = "String")]
    escalation: Escalation,
    issued_by: i64,
    created_at: DateTime<Utc>,
    version: i64,
}

impl TryFrom<Row> for SupervisionOrder {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(SupervisionOrder {
            id: r.id,
            unit_id: r.unit_id,
            region_code: r.region_code,
            target_unit_id: r.target_unit_id,
            year: r.year,
            indicator: r.indicator,
            figures: serde_json::from_str(&r.figures)
                .map_err(|e| StoreError::Corrupt(format!("supervision_orders.figures: {e}")))?,
            requirement: r.requirement,
            issued_on: r.issued_on,
            deadline: r.deadline,
            status: r.status,
            escalation: r.escalation,
            issued_by: r.issued_by,
            created_at: r.created_at,
            version: r.version,
        })
    }
}

const COLUMNS: &str = "o.id, o.unit_id, o.region_code, o.target_unit_id, o.year, o.indicator, o.figures, \
    o.requirement, o.issued_on, o.deadline, o.status, o.escalation, o.issued_by, o.created_at, o.version";

fn figures_text(f: &Figures) -> String {
    serde_json::to_string(f).unwrap_or_else(|_| "{}".into())
}

/// Inserts a new order (issued, on the first step of the ladder).
pub async fn insert(tx: &mut Tx, o: &SupervisionOrder) -> Result<SupervisionOrderId> {
    const Q: &str = "INSERT INTO supervision_orders (unit_id, region_code, target_unit_id, year, indicator, figures, \
        requirement, issued_on, deadline, status, escalation, issued_by, created_at, version) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'issued', 'order', $10, $11, 1) RETURNING id";
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(Q)
        .bind(o.unit_id).bind(&o.region_code).bind(o.target_unit_id).bind(o.year)
        .bind(o.indicator.as_str()).bind(figures_text(&o.figures)).bind(&o.requirement)
        .bind(o.issued_on).bind(o.deadline).bind(o.issued_by).bind(o.created_at)
        .fetch_one(c).await?);
    Ok(SupervisionOrderId(id))
}

pub async fn get(tx: &mut Tx, id: SupervisionOrderId) -> Result<Option<SupervisionOrder>> {
    let q = format!("SELECT {COLUMNS} FROM supervision_orders o WHERE o.id = $1");
    let row: Option<Row> =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q)).bind(id.0).fetch_optional(c).await?);
    row.map(SupervisionOrder::try_from).transpose()
}

/// Saves the order's state (status, ladder step, deadline) if it is still at
/// `o.version`.
pub async fn save(tx: &mut Tx, o: &SupervisionOrder) -> Result<SupervisionOrder> {
    const Q: &str = "UPDATE supervision_orders SET status = $1, escalation = $2, deadline = $3, \
        version = version + 1 WHERE id = $4 AND version = $5";
    let n = on_tx!(tx, c => sqlx::query(Q)
        .bind(o.status.as_str()).bind(o.escalation.as_str()).bind(o.deadline)
        .bind(o.id).bind(o.version)
        .execute(c).await?.rows_affected());
    let id = SupervisionOrderId(o.id);
    if n == 0 {
        return Err(match get(tx, id).await? {
            Some(_) => StoreError::VersionConflict,
            None => StoreError::NotFound,
        });
    }
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

/// One step of an order's history.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Step {
    pub id: i64,
    pub order_id: i64,
    /// `issue`, `answer`, `close`, `return` or `escalate`.
    pub action: String,
    #[sqlx(try_from = "String")]
    pub escalation: Escalation,
    pub deadline: Option<NaiveDate>,
    pub note: String,
    /// The figures on the day of an escalation (JSON), else empty.
    #[serde(skip)]
    pub figures: String,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
}

/// Records a step.
pub async fn add_step(tx: &mut Tx, s: &Step) -> Result<()> {
    const Q: &str = "INSERT INTO supervision_order_steps (order_id, action, escalation, deadline, note, figures, \
        created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    on_tx!(tx, c => sqlx::query(Q)
        .bind(s.order_id).bind(&s.action).bind(s.escalation.as_str()).bind(s.deadline).bind(&s.note)
        .bind(&s.figures).bind(s.created_by).bind(s.created_at)
        .execute(c).await?.rows_affected());
    Ok(())
}

/// An order's steps, oldest first.
pub async fn steps(tx: &mut Tx, order_id: i64) -> Result<Vec<Step>> {
    const Q: &str = "SELECT id, order_id, action, escalation, deadline, note, figures, created_by, created_at \
        FROM supervision_order_steps WHERE order_id = $1 ORDER BY id";
    Ok(on_tx!(tx, c => sqlx::query_as(Q).bind(order_id).fetch_all(c).await?))
}

/// An order with the name its list shows.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    #[serde(flatten)]
    pub order: SupervisionOrder,
    pub target_unit_name: String,
}

#[derive(sqlx::FromRow)]
struct LineRow {
    #[sqlx(flatten)]
    order: Row,
    target_unit_name: String,
}

/// Whose orders to list: those to units in a region (a prefix of the target's
/// region, whoever issued them), or those addressed to a unit.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub region: Option<String>,
    pub target_unit_id: Option<i64>,
    /// Only open orders.
    pub open: bool,
    /// Only the orders of one target unit (inside the region).
    pub unit: Option<i64>,
}

/// Orders newest first, a page at a time, with how many.
pub async fn list(tx: &mut Tx, f: &Filter, page: Page) -> Result<(Vec<Line>, i64)> {
    const WHERE: &str = "WHERE (($1 IS NOT NULL AND u.region_code LIKE $1) OR ($2 IS NOT NULL AND o.target_unit_id = $2)) \
        AND ($3 = FALSE OR o.status <> 'closed') AND ($4 IS NULL OR o.target_unit_id = $4)";
    let q = format!(
        "SELECT {COLUMNS}, u.name AS target_unit_name FROM supervision_orders o \
         JOIN units u ON u.id = o.target_unit_id {WHERE} ORDER BY o.id DESC LIMIT $5 OFFSET $6"
    );
    let n = format!(
        "SELECT COUNT(*) FROM supervision_orders o JOIN units u ON u.id = o.target_unit_id {WHERE}"
    );
    let region = f.region.as_ref().map(|r| format!("{r}%"));
    let rows: Vec<LineRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(&region).bind(f.target_unit_id).bind(f.open).bind(f.unit)
        .bind(page.per_page).bind(page.offset())
        .fetch_all(c).await?);
    let total: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(n))
        .bind(&region).bind(f.target_unit_id).bind(f.open).bind(f.unit)
        .fetch_one(c).await?);
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(Line {
                order: r.order.try_into()?,
                target_unit_name: r.target_unit_name,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((items, total))
}

/// The open orders of a year to units in a region (a prefix), whoever issued
/// them, for the dashboard's lines: (target unit, indicator, order id, ladder
/// step).
pub async fn open_in(
    tx: &mut Tx,
    region: &str,
    year: i32,
) -> Result<Vec<(i64, Indicator, i64, Escalation)>> {
    const Q: &str = "SELECT o.target_unit_id, o.indicator, o.id, o.escalation FROM supervision_orders o \
        JOIN units u ON u.id = o.target_unit_id \
        WHERE u.region_code LIKE $1 AND o.year = $2 AND o.status <> 'closed' ORDER BY o.id";
    let rows: Vec<(i64, String, i64, String)> = on_tx!(tx, c => sqlx::query_as(Q)
        .bind(format!("{region}%")).bind(year).fetch_all(c).await?);
    Ok(rows
        .into_iter()
        .filter_map(|(u, i, id, e)| Some((u, Indicator::parse(&i)?, id, Escalation::parse(&e)?)))
        .collect())
}
