//! Duplicate registrations (issue 13, ADR 0032): the candidate pairs
//! (`/persons/duplicates`), the merge's confirmation (`/persons/merge`), a pair
//! declared two people (`/persons/distinct`) and undoing a merge
//! (`/person-merges/{id}/undo`).

use crate::AppState;
use crate::extract::{CsrfForm, PageCtx, PageQuery};
use crate::html::{
    Cell, Field, FormPage, ListPage, PageResult, Pager, Shell, Table, page_error, parse_id, render,
    see_other,
};
use axum::extract::{Path, Request, State};
use legalaid_app::persons::{self, merge as uc};
use legalaid_app::{AppError, Page};
use legalaid_domain::PersonId;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct ListParams {
    page: Option<i64>,
}

pub async fn list(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<ListParams>,
) -> PageResult {
    let at = Page::new(q.page, Some(20));
    let (pairs, total) = uc::candidates(&s.app, &page.ctx, at)
        .await
        .map_err(page_error)?;
    let side = |p: &uc::Side| {
        format!(
            "{}（{}，{}，{}）",
            p.person.name,
            p.person.id_number_masked,
            p.person
                .birth_date
                .map_or("出生日期未登记".to_owned(), |d| d.to_string()),
            p.unit_name
        )
    };
    let rows = pairs
        .iter()
        .map(|p| {
            vec![
                Cell::link(side(&p.a), format!("/persons/{}", p.a.person.id)),
                Cell::link(side(&p.b), format!("/persons/{}", p.b.person.id)),
                Cell::text(
                    p.reasons
                        .iter()
                        .map(|r| r.label())
                        .collect::<Vec<_>>()
                        .join("；"),
                ),
                Cell::link(
                    "核对并合并",
                    format!(
                        "/persons/merge?keep={}&merge={}",
                        p.a.person.id, p.b.person.id
                    ),
                ),
                Cell::link(
                    "不是同一人",
                    format!("/persons/distinct?a={}&b={}", p.a.person.id, p.b.person.id),
                ),
            ]
        })
        .collect();
    Ok(render(&ListPage {
        shell: Shell::new(&page, "重复登记的当事人", "/persons"),
        heading: "可能重复登记的当事人".into(),
        actions: vec![],
        filters: vec![],
        export_href: None,
        table: Table {
            headers: vec!["当事人甲", "当事人乙", "依据", "合并", "排除"],
            rows,
        },
        pager: Pager::new("/persons/duplicates", "", at, total),
        empty:
            "没有发现可能重复登记的当事人（同名同出生日期、电话相同、同出生日期且姓名仅一字之差）。"
                .into(),
    }))
}

#[derive(Debug, Deserialize)]
pub struct MergeParams {
    keep: String,
    merge: String,
}

fn merge_form(
    page: &PageCtx,
    keep: &legalaid_domain::person::Person,
    merged: &legalaid_domain::person::Person,
    moved: &legalaid_domain::duplicate::Moved,
    reason: &str,
) -> FormPage {
    let describe = |p: &legalaid_domain::person::Person| {
        format!(
            "{}，{}，出生日期 {}，电话 {}，住址 {}",
            p.name,
            p.id_number_masked,
            p.birth_date.map_or("未登记".to_owned(), |d| d.to_string()),
            if p.phone.is_empty() {
                "未登记"
            } else {
                &p.phone
            },
            if p.address.is_empty() {
                "未登记"
            } else {
                &p.address
            },
        )
    };
    FormPage {
        shell: Shell::new(page, "合并重复登记", "/persons"),
        heading: format!("将“{}”的登记并入“{}”", merged.name, keep.name),
        action: "/persons/merge".into(),
        submit: "确认合并".into(),
        cancel: "/persons/duplicates".into(),
        error: None,
        fields: vec![
            Field::new("keep", "", "hidden", keep.id.0.to_string()),
            Field::new("merge", "", "hidden", merged.id.0.to_string()),
            Field::new("survivor_version", "", "hidden", keep.version.to_string()),
            Field::new("merged_version", "", "hidden", merged.version.to_string()),
            Field::new("reason", "合并理由", "textarea", reason).required().hint(&format!(
                "保留：{}。并入：{}。并入的登记保留备查，其 {} 件申请、{} 件案件、{} 次咨询和 {} 次值班律师法律帮助改为保留的当事人名下；合并记入审计日志，可在当事人页面撤销。",
                describe(keep),
                describe(merged),
                moved.applications.len(),
                moved.cases.len(),
                moved.consultations.len(),
                moved.duty_help.len()
            )),
        ],
    }
}

/// The confirmation of a merge: both records side by side and what moves.
pub async fn merge_page(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<MergeParams>,
) -> PageResult {
    let keep: PersonId = parse_id(&q.keep)?;
    let merged: PersonId = parse_id(&q.merge)?;
    let k = persons::get(&s.app, &page.ctx, keep)
        .await
        .map_err(page_error)?;
    let m = persons::get(&s.app, &page.ctx, merged)
        .await
        .map_err(page_error)?;
    let moved = uc::preview(&s.app, &page.ctx, merged)
        .await
        .map_err(page_error)?;
    Ok(merge_form(&page, &k, &m, &moved, "").respond(&[]))
}

#[derive(Debug, Deserialize)]
struct MergeForm {
    keep: String,
    merge: String,
    survivor_version: i64,
    merged_version: i64,
    #[serde(default)]
    reason: String,
}

pub async fn merge(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f = CsrfForm::<MergeForm>::parse(req, &page.csrf).await?;
    let keep: PersonId = parse_id(&f.keep)?;
    let input = uc::MergeInput {
        merged_id: parse_id::<PersonId>(&f.merge)?.0,
        survivor_version: f.survivor_version,
        merged_version: f.merged_version,
        reason: f.reason.clone(),
    };
    match uc::merge(&s.app, &page.ctx, keep, &input).await {
        Ok(_) => Ok(see_other(&format!("/persons/{}", keep.0))),
        Err(AppError::Validation(errs)) => {
            let k = persons::get(&s.app, &page.ctx, keep)
                .await
                .map_err(page_error)?;
            let m = persons::get(&s.app, &page.ctx, PersonId(input.merged_id))
                .await
                .map_err(page_error)?;
            let moved = uc::preview(&s.app, &page.ctx, m.id)
                .await
                .map_err(page_error)?;
            Ok(merge_form(&page, &k, &m, &moved, &f.reason).respond(&errs))
        }
        Err(e) => Err(page_error(e)),
    }
}

#[derive(Debug, Deserialize)]
pub struct DistinctParams {
    a: String,
    b: String,
}

pub async fn distinct_page(
    State(s): State<AppState>,
    page: PageCtx,
    PageQuery(q): PageQuery<DistinctParams>,
) -> PageResult {
    let a = persons::get(&s.app, &page.ctx, parse_id(&q.a)?)
        .await
        .map_err(page_error)?;
    let b = persons::get(&s.app, &page.ctx, parse_id(&q.b)?)
        .await
        .map_err(page_error)?;
    Ok(FormPage {
        shell: Shell::new(&page, "不是同一人", "/persons"),
        heading: format!("确认“{}”与“{}”不是同一人", a.name, b.name),
        action: "/persons/distinct".into(),
        submit: "确认不是同一人".into(),
        cancel: "/persons/duplicates".into(),
        error: None,
        fields: vec![
            Field::new("a", "", "hidden", a.id.0.to_string()),
            Field::new("b", "", "hidden", b.id.0.to_string()),
        ],
    }
    .respond(&[]))
}

#[derive(Debug, Deserialize)]
struct DistinctForm {
    a: String,
    b: String,
}

pub async fn distinct(State(s): State<AppState>, page: PageCtx, req: Request) -> PageResult {
    let f = CsrfForm::<DistinctForm>::parse(req, &page.csrf).await?;
    uc::declare_distinct(&s.app, &page.ctx, parse_id(&f.a)?, parse_id(&f.b)?)
        .await
        .map_err(page_error)?;
    Ok(see_other("/persons/duplicates"))
}

/// Asks before undoing a merge.
pub async fn undo_page(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id: i64 = parse_id::<PersonId>(&id)?.0;
    let merge = uc::get(&s.app, &page.ctx, id).await.map_err(page_error)?;
    Ok(FormPage {
        shell: Shell::new(&page, "撤销合并", "/persons"),
        heading: format!(
            "撤销 {} 的合并：当事人编号 {} 重新成为单独的登记（合并时移动的 {} 条记录中仍在保留的当事人名下的，改回原登记名下）",
            crate::html::panels::china(merge.merged_at),
            merge.merged_id,
            merge.moved.total()
        ),
        action: format!("/person-merges/{id}/undo"),
        submit: "确认撤销".into(),
        cancel: format!("/persons/{}", merge.survivor_id),
        error: None,
        fields: vec![Field::new("confirm", "", "hidden", "true")],
    }
    .respond(&[]))
}

pub async fn undo(
    State(s): State<AppState>,
    page: PageCtx,
    Path(id): Path<String>,
    req: Request,
) -> PageResult {
    let id: i64 = parse_id::<PersonId>(&id)?.0;
    CsrfForm::<serde_json::Value>::parse(req, &page.csrf).await?;
    let m = uc::undo(&s.app, &page.ctx, id).await.map_err(page_error)?;
    Ok(see_other(&format!("/persons/{}", m.merged_id)))
}
