//! The home page: what needs the signed-in user's attention (notices, and their
//! work queues with every deadline, from `queues`), and the figures of their part
//! of the system.

use crate::queues::{self, DueFilter, QueuePage};
use crate::{App, AppResult, Ctx, Page, policy};
use legalaid_domain::role::Role;
use legalaid_store::staff::StaffFilter;
use serde::Serialize;

/// The most items of one kind (surveys under way, trainings to confirm) the
/// home page lists; past it, one more item says how many others there are.
const ITEMS_OF_A_KIND: i64 = 10;

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
    /// What the user must see to first (an initial password, a missing calendar year).
    pub items: Vec<WorkItem>,
    /// The page of their queues asked for.
    pub queue: QueuePage,
    pub figures: Vec<Figure>,
}

pub async fn work_queue(app: &App, ctx: &Ctx, due: DueFilter, page: Page) -> AppResult<WorkQueue> {
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
    if policy::ensure_manage_regions(ctx).is_ok()
        && let Some(warning) = crate::rules::calendar_warning(app).await?
    {
        items.push(WorkItem {
            title: "录入节假日安排".into(),
            detail: warning,
            href: "/admin/calendar".into(),
            urgent: true,
        });
    }
    // Everything below in one read transaction: each is three more round trips to
    // a SQLite connection's thread (ADR 0040). Nothing below asks the pool for a
    // second connection while this one is held.
    let mut tx = app.store.read().await?;
    // Surveys and training (issue 11): campaigns under way, sessions to confirm.
    let outreach = crate::surveys::work_items(app, &mut tx, ctx, ITEMS_OF_A_KIND)
        .await?
        .into_iter()
        .chain(crate::training::work_items(app, &mut tx, ctx, ITEMS_OF_A_KIND).await?);
    items.extend(outreach.map(|(title, detail, href)| WorkItem {
        title,
        detail,
        href,
        urgent: false,
    }));
    let queue = queues::queue_in(app, &mut tx, ctx, due, page).await?;
    let mut figures = Vec::new();
    if queues::can_supervise(ctx) {
        // Supervision: every queue of the region, not only the caller's.
        let (overdue, soon) = queues::standing(app, &mut tx, ctx).await?;
        figures.push(Figure {
            label: "辖区已超期事项".into(),
            value: overdue,
            href: "/queues?due=overdue".into(),
        });
        figures.push(Figure {
            label: "辖区3日内到期事项".into(),
            value: soon,
            href: "/queues?due=soon".into(),
        });
    }
    let (units, staff, users) = legalaid_store::units::directory_counts(&mut tx, &scope).await?;
    figures.extend([
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
    ]);
    if policy::can_view_users(ctx) {
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
    Ok(WorkQueue {
        items,
        queue,
        figures,
    })
}
