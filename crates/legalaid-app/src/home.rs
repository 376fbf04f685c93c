//! The home page's work queue: what needs the signed-in user's attention, and the
//! figures of their part of the system.

use crate::{App, AppResult, Ctx, Page, policy};
use legalaid_domain::role::Role;
use legalaid_store::staff::StaffFilter;
use legalaid_store::units::UnitFilter;
use legalaid_store::users::UserFilter;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct WorkItem {
    pub title: String,
    pub detail: String,
    pub href: String,
    /// "urgent" items are shown first and highlighted.
    pub urgent: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub label: String,
    pub value: i64,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct WorkQueue {
    pub items: Vec<WorkItem>,
    pub figures: Vec<Figure>,
}

pub async fn work_queue(app: &App, ctx: &Ctx) -> AppResult<WorkQueue> {
    let scope = policy::scope(ctx);
    let one = Page {
        page: 1,
        per_page: 1,
    };
    let mut items = Vec::new();
    if let Some(a) = &ctx.actor
        && a.user.must_change_password
    {
        items.push(WorkItem {
            title: "请修改初始密码".into(),
            detail: "您的密码由管理员设置，为保护账号安全，请尽快修改。".into(),
            href: "/account/password".into(),
            urgent: true,
        });
    }
    if crate::applications::can_handle(ctx) || crate::applications::can_decide_objection(ctx) {
        for (a, name, d) in crate::applications::due_items(app, ctx)
            .await?
            .into_iter()
            .take(50)
        {
            items.push(WorkItem {
                title: format!("{} {}（{}）", a.number, name, a.status.label()),
                detail: format!(
                    "{}：{}，期限{}（{}）",
                    d.label, d.state_label, d.due, d.rule
                ),
                href: format!("/applications/{}", a.id),
                urgent: d.state == "overdue" || d.state == "due_today",
            });
        }
    }
    let mut tx = app.store.read().await?;
    let (_, units) =
        legalaid_store::units::list(&mut tx, &scope, &UnitFilter::default(), one).await?;
    let (_, staff) =
        legalaid_store::staff::list(&mut tx, &scope, &StaffFilter::default(), one).await?;
    let mut figures = vec![
        Figure {
            label: "可见单位".into(),
            value: units,
            href: "/units".into(),
        },
        Figure {
            label: "工作人员".into(),
            value: staff,
            href: "/staff".into(),
        },
    ];
    if policy::can_view_users(ctx) {
        let (_, users) =
            legalaid_store::users::list(&mut tx, &scope, &UserFilter::default(), one).await?;
        figures.push(Figure {
            label: "用户账号".into(),
            value: users,
            href: "/admin/users".into(),
        });
    }
    if policy::can_view_audit(ctx) {
        let (seq, _) = legalaid_store::audit::head(&mut tx).await?;
        figures.push(Figure {
            label: "审计记录".into(),
            value: seq,
            href: "/audit".into(),
        });
    }
    let lawyers = ctx.actor.as_ref().is_some_and(|a| a.has(Role::Handler));
    if lawyers {
        let f = StaffFilter {
            kind: Some(legalaid_domain::staff::StaffKind::Lawyer),
            ..Default::default()
        };
        let (_, n) = legalaid_store::staff::list(&mut tx, &scope, &f, one).await?;
        figures.push(Figure {
            label: "本所律师".into(),
            value: n,
            href: "/staff?kind=lawyer".into(),
        });
    }
    Ok(WorkQueue { items, figures })
}
