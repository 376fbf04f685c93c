//! The audit trail's pages: search (every action named in Chinese, each change as
//! field: before → after), the CSV export, and the chain verification.

use crate::AppState;
use crate::extract::{PageCtx, PageQuery};
use crate::html::admin::fmt_time;
use crate::html::{
    Action, Cell, DetailPage, Field, ListPage, PageResult, Pager, Shell, Table, page_error,
    query_string, render,
};
use axum::extract::State;
use legalaid_app::filters::AuditFilter;
use legalaid_app::{Page, audit, policy};
use legalaid_domain::FieldError;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    entity_type: Option<String>,
    entity_id: Option<String>,
    user_id: Option<String>,
    action: Option<String>,
    from: Option<String>,
    until: Option<String>,
    page: Option<i64>,
    /// The page after this entry (`seq`): the keyset the previous page linked.
    after: Option<String>,
}

impl AuditQuery {
    /// Dates are China Standard Time calendar days; `until` includes its whole day.
    fn filter(&self) -> Result<AuditFilter, Vec<FieldError>> {
        let mut errs = Vec::new();
        let mut day =
            |field: &str, v: &Option<String>, plus: i64| -> Option<chrono::DateTime<chrono::Utc>> {
                let v = v.as_deref().filter(|s| !s.is_empty())?;
                match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
                    Ok(d) => {
                        let local = d.and_hms_opt(0, 0, 0)? + chrono::Duration::days(plus)
                            - chrono::Duration::hours(8);
                        Some(local.and_utc())
                    }
                    Err(_) => {
                        errs.push(FieldError {
                            field: field.into(),
                            message: "日期格式应为 YYYY-MM-DD".into(),
                        });
                        None
                    }
                }
            };
        let from = day("from", &self.from, 0);
        let until = day("until", &self.until, 1);
        let user = match self.user_id.as_deref().filter(|s| !s.is_empty()) {
            Some(u) => match u.parse() {
                Ok(n) => Some(n),
                Err(_) => {
                    errs.push(FieldError {
                        field: "user_id".into(),
                        message: "用户编号应为数字".into(),
                    });
                    None
                }
            },
            None => None,
        };
        let nonempty = |s: &Option<String>| s.clone().filter(|s| !s.trim().is_empty());
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(AuditFilter {
            entity_type: nonempty(&self.entity_type),
            entity_id: nonempty(&self.entity_id),
            actor_user_id: user,
            action: nonempty(&self.action),
            from,
            until,
        })
    }

    fn query(&self) -> String {
        query_string(&[
            ("entity_type", self.entity_type.clone()),
            ("entity_id", self.entity_id.clone()),
            ("user_id", self.user_id.clone()),
            ("action", self.action.clone()),
            ("from", self.from.clone()),
            ("until", self.until.clone()),
        ])
    }
}

pub async fn audit(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<AuditQuery>,
) -> PageResult {
    policy::ensure_view_audit(&page.ctx).map_err(page_error)?;
    let pg = Page::new(q.page, Some(50));
    let mut filters = vec![
        Field::new("entity_type", "对象类型", "select", "").options(
            [
                ("", "全部"),
                ("unit", "单位"),
                ("staff", "工作人员"),
                ("user", "用户"),
                ("region", "行政区划"),
                ("person", "当事人"),
            ]
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned())),
            &[q.entity_type.clone().unwrap_or_default()],
        ),
        Field::new(
            "entity_id",
            "对象编号",
            "text",
            q.entity_id.clone().unwrap_or_default(),
        ),
        Field::new(
            "user_id",
            "操作人编号",
            "text",
            q.user_id.clone().unwrap_or_default(),
        ),
        Field::new("action", "操作", "select", "").options(
            std::iter::once((String::new(), "全部".to_owned())).chain(
                legalaid_domain::audit::AuditAction::ALL
                    .iter()
                    .map(|a| (a.as_str().to_owned(), a.label().to_owned())),
            ),
            &[q.action.clone().unwrap_or_default()],
        ),
        Field::new(
            "from",
            "开始日期",
            "date",
            q.from.clone().unwrap_or_default(),
        ),
        Field::new(
            "until",
            "结束日期",
            "date",
            q.until.clone().unwrap_or_default(),
        ),
    ];
    let after = q
        .after
        .as_deref()
        .and_then(|a| a.trim().parse::<i64>().ok())
        .filter(|a| *a > 0);
    let found = match q.filter() {
        Ok(f) => Some(
            audit::search(&s.app, &page.ctx, &f, pg, after)
                .await
                .map_err(page_error)?,
        ),
        Err(errs) => {
            crate::html::attach_errors(&mut filters, &errs);
            None
        }
    };
    let (entries, total, more, next) = match found {
        Some(p) => {
            let next = p
                .has_next
                .then(|| p.items.last().map(|e| e.seq.to_string()))
                .flatten();
            (p.items, p.total, p.more_than.is_some(), next)
        }
        None => (Vec::new(), 0, false, None),
    };
    let rows = entries
        .iter()
        .map(|e| {
            vec![
                Cell::text(e.seq.to_string()),
                Cell::text(fmt_time(e.at)),
                Cell::text(e.actor_username.clone()),
                Cell::text(action_label(&e.action)),
                Cell::link(
                    format!("{} #{}", e.entity_type, e.entity_id),
                    format!(
                        "/audit?entity_type={}&entity_id={}",
                        e.entity_type, e.entity_id
                    ),
                ),
                Cell::text(e.ip.clone()),
                Cell::text(change_summary(e.before.as_deref(), e.after.as_deref())),
            ]
        })
        .collect();
    let query = q.query();
    let mut shell = Shell::new(&page, "审计日志", "/audit");
    shell.notice = Some("审计日志只可追加、不可修改；每条记录以哈希与上一条相连。".into());
    Ok(render(&ListPage {
        shell,
        heading: "审计日志".into(),
        actions: vec![Action {
            href: "/audit/verify".into(),
            label: "校验审计链".into(),
        }],
        filters,
        export_href: Some(if query.is_empty() {
            "/audit/export.csv".into()
        } else {
            format!("/audit/export.csv?{query}")
        }),
        table: Table {
            headers: vec!["序号", "时间", "操作人", "操作", "对象", "来源地址", "变更"],
            rows,
        },
        pager: Pager::keyset("/audit", &query, pg, total, more, next),
        empty: "没有符合条件的审计记录。".into(),
    }))
}

/// The Chinese name of an audited action.
fn action_label(code: &str) -> String {
    legalaid_domain::audit::AuditAction::label_of(code)
}

/// A short "field: before → after" list of what an update changed.
fn change_summary(before: Option<&str>, after: Option<&str>) -> String {
    let parse = |s: Option<&str>| s.and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok());
    match (parse(before), parse(after)) {
        (Some(serde_json::Value::Object(b)), Some(serde_json::Value::Object(a))) => {
            let changed: Vec<String> = a
                .iter()
                .filter(|(k, v)| b.get(*k) != Some(*v) && k.as_str() != "version")
                .map(|(k, v)| format!("{k}: {} → {}", b.get(k).map_or("—".into(), short), short(v)))
                .collect();
            if changed.is_empty() {
                "无字段变化".into()
            } else {
                changed.join("；")
            }
        }
        (None, Some(a)) => format!("新建 {}", truncate(&a.to_string(), 80)),
        (Some(_), None) => "删除".into(),
        _ => String::new(),
    }
}

fn short(v: &serde_json::Value) -> String {
    truncate(
        &match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        },
        40,
    )
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        format!("{}…", s.chars().take(n).collect::<String>())
    } else {
        s.to_owned()
    }
}

pub async fn audit_csv(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<AuditQuery>,
) -> PageResult {
    let f = q.filter().map_err(|errs| {
        crate::html::error_page(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            &errs
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("；"),
        )
    })?;
    // Every entry the filter keeps, sent a batch at a time.
    let (app, ctx) = (s.app.clone(), page.ctx.clone());
    let next = move |before: Option<i64>| {
        let (app, ctx, f) = (app.clone(), ctx.clone(), f.clone());
        async move {
            let entries =
                audit::search_batch(&app, &ctx, &f, before, crate::html::export::BATCH).await?;
            let full =
                entries.len() >= usize::try_from(crate::html::export::BATCH).unwrap_or(usize::MAX);
            let cursor = entries.last().map(|e| e.seq).filter(|_| full);
            Ok((
                entries.iter().map(legalaid_docs::audit_row).collect(),
                cursor,
            ))
        }
    };
    crate::html::export::stream_csv("audit.csv", &legalaid_docs::AUDIT_HEADER, next)
        .await
        .map_err(page_error)
}

pub async fn audit_verify(State(s): State<AppState>, page: PageCtx) -> PageResult {
    let r = audit::verify(&s.app, &page.ctx).await.map_err(page_error)?;
    let mut rows = vec![
        ("记录条数", r.entries.to_string()),
        (
            "校验结果",
            if r.ok {
                "完整：所有记录均未被改动".into()
            } else {
                "发现篡改".into()
            },
        ),
    ];
    if let Some(seq) = r.broken_seq {
        rows.push(("首个异常记录", format!("第 {seq} 条")));
    }
    if let Some(p) = &r.problem {
        rows.push(("说明", p.clone()));
    }
    Ok(render(&DetailPage {
        shell: Shell::new(&page, "校验审计链", "/audit"),
        heading: "校验审计链".into(),
        actions: vec![Action {
            href: "/audit".into(),
            label: "返回审计日志".into(),
        }],
        rows,
        sections: vec![],
    }))
}
