//! The JSON API under `/api/v1`, described by the OpenAPI document at
//! `/api/v1/openapi.json`. Conventions: docs/API.md.

mod admin;
mod applications;
pub(crate) mod attachments;
pub(crate) use attachments::{file_response, read_upload};
mod auth;
mod cases;
mod complaints;
mod documents;
mod excellent;
mod funding;
mod hearings;
mod messages;
mod openapi;
mod outreach;
use openapi::{BearerAuth, ErrorResponses};
mod imports;
mod person_merges;
mod persons;
mod quality;
mod queues;
mod records;
pub(crate) mod report_forms;
mod rules;
mod schemas;
mod search;
pub(crate) mod supervision_targets;
// Surveys and training (issue 11).
pub(crate) mod supervision;
pub(crate) mod surveys;
mod visits;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .merge(surveys::routes())
        .merge(supervision::routes())
        .merge(report_forms::routes())
        .merge(supervision_targets::routes())
        .merge(search::routes())
        .merge(person_merges::routes())
        .merge(imports::routes())
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/me", get(auth::me))
        .route("/me/password", post(auth::change_password))
        .route(
            "/applications",
            get(applications::list).post(applications::create),
        )
        .route("/applications/{id}", get(applications::show))
        .route(
            "/applications/{id}/assessment",
            get(applications::assessment),
        )
        .route("/applications/{id}/decision", post(applications::decide))
        .route("/applications/{id}/proposal", post(applications::propose))
        .route(
            "/applications/{id}/supplement-request",
            post(applications::request_supplement),
        )
        .route(
            "/applications/{id}/supplement-received",
            post(applications::supplement_received),
        )
        .route(
            "/applications/{id}/withdrawal",
            post(applications::withdraw),
        )
        .route("/applications/{id}/objection", post(applications::object))
        .route(
            "/applications/{id}/attachments",
            get(attachments::list).post(attachments::upload).layer(
                axum::extract::DefaultBodyLimit::max(
                    legalaid_app::attachments::MAX_BYTES + 64 * 1024,
                ),
            ),
        )
        .route("/attachments/{id}", get(attachments::download))
        .route(
            "/applications/{id}/pre-emptive-grant",
            post(applications::grant_pre_emptively),
        )
        .route("/applications/{id}/documents", get(documents::list))
        .route(
            "/applications/{id}/documents/{doc}",
            get(documents::download),
        )
        .route(
            "/applications/{id}/verification",
            post(applications::verify),
        )
        .route(
            "/objections/{id}/decision",
            post(applications::decide_objection),
        )
        .route("/applications/{id}/case", post(cases::open))
        .route(
            "/applications/{id}/messages",
            get(messages::application_messages),
        )
        .route("/cases", get(cases::list))
        .route("/cases/{id}", get(cases::show))
        .route("/cases/{id}/quality-records", get(cases::quality_records))
        .route(
            "/cases/{id}/assignment-suggestions",
            get(cases::suggestions),
        )
        .route("/cases/{id}/assignment", post(cases::assign))
        .route("/cases/{id}/agreement", post(cases::agreement))
        .route("/cases/{id}/progress", post(cases::progress))
        .route("/cases/{id}/termination", post(cases::terminate))
        .route("/cases/{id}/objection", post(cases::object))
        .route("/cases/{id}/closure", post(cases::closure))
        .route("/cases/{id}/closure-review", post(cases::review_closure))
        .route("/cases/{id}/subsidy", get(cases::subsidy))
        .route("/cases/{id}/subsidy/payment", post(cases::pay))
        .route("/cases/{id}/grade", post(cases::grade))
        .route("/cases/{id}/replacements", post(cases::request_replacement))
        .route(
            "/cases/{id}/replacements/{rid}/decision",
            post(cases::decide_replacement),
        )
        .route("/cases/{id}/next-stage", post(cases::next_stage))
        .route("/cases/{id}/messages", get(messages::messages))
        .route(
            "/complaints",
            get(complaints::list).post(complaints::create),
        )
        .route("/complaints/figures", get(complaints::figures))
        .route("/complaints/{id}", get(complaints::show))
        .route("/complaints/{id}/accept", post(complaints::accept))
        .route("/complaints/{id}/refuse", post(complaints::refuse))
        .route("/complaints/{id}/extend", post(complaints::extend))
        .route("/complaints/{id}/conclude", post(complaints::conclude))
        .route("/complaints/{id}/reply", post(complaints::reply))
        .route("/complaints/{id}/remedy", post(complaints::remedy))
        .route("/complaints/{id}/documents", get(complaints::documents))
        .route(
            "/complaints/{id}/documents/{doc}",
            get(complaints::document),
        )
        .route("/work-queue", get(queues::mine))
        .route("/work-queue/region", get(queues::region))
        .route("/cases/{id}/documents", get(documents::case_list))
        .route(
            "/cases/{id}/attachments",
            get(attachments::case_list)
                .post(attachments::case_upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    legalaid_app::attachments::MAX_BYTES + 64 * 1024,
                )),
        )
        .route("/cases/{id}/documents/{doc}", get(documents::case_download))
        .route("/funding/estimate", get(funding::estimate))
        .route("/subsidies/totals", get(funding::subsidy_totals))
        .route(
            "/subsidy-schedule",
            get(funding::schedule).post(funding::add_schedule_row),
        )
        .route(
            "/persons/{id}/contact",
            axum::routing::put(messages::set_contact),
        )
        .route("/message-templates", get(messages::message_templates))
        .route(
            "/sms/delivery-reports",
            axum::routing::post(messages::delivery_reports),
        )
        .route(
            "/message-templates/{kind}/{audience}/{channel}",
            axum::routing::put(messages::update_message_template),
        )
        .route("/targets", axum::routing::put(funding::set_target))
        .route("/calendar/deadline", get(rules::deadline))
        .route(
            "/settings",
            get(rules::settings).put(rules::update_settings),
        )
        .route("/rules/matters", post(rules::add_matter))
        .route("/rules/exemptions", post(rules::add_exemption))
        .route("/rules/{kind}/{code}/end", post(rules::end_rule))
        .route(
            "/rules/deadlines/{code}",
            axum::routing::put(rules::update_deadline),
        )
        .route("/calendar/years", post(rules::add_year))
        .route("/rules", get(rules::list_rules))
        .route("/rules/hardship-standards", post(rules::add_standard))
        .route(
            "/regions",
            get(admin::list_regions).post(admin::create_region),
        )
        .route(
            "/units",
            get(records::list_units).post(records::create_unit),
        )
        .route(
            "/units/{id}",
            get(records::show_unit).put(records::update_unit),
        )
        .route(
            "/staff",
            get(records::list_staff).post(records::create_staff),
        )
        .route(
            "/staff/{id}",
            get(records::show_staff).put(records::update_staff),
        )
        .route(
            "/persons",
            get(persons::list_persons).post(persons::create_person),
        )
        .route("/persons/lookup", get(persons::lookup))
        .route(
            "/persons/{id}",
            get(persons::show_person).put(persons::update_person),
        )
        .route(
            "/persons/{id}/reveal-id-number",
            post(persons::reveal_id_number),
        )
        .route("/users", get(admin::list_users).post(admin::create_user))
        .route("/users/{id}", get(admin::show_user).put(admin::update_user))
        .route("/users/{id}/password", post(admin::reset_password))
        .route(
            "/quality/schemes",
            get(quality::list_schemes).post(quality::save_scheme),
        )
        .route("/quality/schemes/{id}", get(quality::show_scheme))
        .route(
            "/quality/experts",
            get(quality::list_experts).post(quality::create_expert),
        )
        .route(
            "/quality/experts/{id}",
            get(quality::show_expert).put(quality::update_expert),
        )
        .route(
            "/quality/rounds",
            get(quality::list_rounds).post(quality::create_round),
        )
        .route("/quality/rounds/{id}", get(quality::show_round))
        .route("/quality/rounds/{id}/draw", post(quality::draw))
        .route("/quality/rounds/{id}/close", post(quality::close))
        .route("/quality/rounds/{id}/reviews", get(quality::round_reviews))
        .route("/reviews/{id}", get(quality::show_review))
        .route("/reviews/{id}/archive-check", post(quality::archive_check))
        .route("/reviews/{id}/score", post(quality::score))
        .route("/reviews/{id}/recheck", post(quality::recheck))
        .route("/reviews/{id}/regrade", post(quality::regrade))
        .route(
            "/rectifications",
            get(quality::list_rectifications).post(quality::issue_rectification),
        )
        .route("/rectifications/{id}", get(quality::show_rectification))
        .route(
            "/rectifications/{id}/answer",
            post(quality::answer_rectification),
        )
        .route(
            "/rectifications/{id}/verify",
            post(quality::verify_rectification),
        )
        .route(
            "/rectifications/{id}/escalate",
            post(quality::escalate_rectification),
        )
        .route(
            "/rectifications/{id}/documents",
            get(documents::rectification_list),
        )
        .route(
            "/rectifications/{id}/documents/{doc}",
            get(documents::rectification_download),
        )
        .route("/staff/{id}/rating", get(quality::staff_rating))
        .route(
            "/rating-rules",
            get(quality::rating_rules).post(quality::add_rating_rule),
        )
        .route("/reviews/{id}/documents", get(documents::review_list))
        .route(
            "/reviews/{id}/documents/{doc}",
            get(documents::review_download),
        )
        .route("/visits", get(visits::list).post(visits::create))
        .route("/visits/plans", get(visits::plans).post(visits::plan))
        .route("/visits/figures", get(visits::figures))
        .route("/visits/{id}", get(visits::show))
        .route("/visits/{id}/handle-alert", post(visits::handle_alert))
        .route(
            "/observations",
            get(hearings::list_observations).post(hearings::plan_observation),
        )
        .route("/observations/figures", get(hearings::figures))
        .route("/observations/{id}", get(hearings::show_observation))
        .route(
            "/observations/{id}/record",
            post(hearings::record_observation),
        )
        .route(
            "/observations/{id}/cancel",
            post(hearings::cancel_observation),
        )
        .route(
            "/observations/{id}/documents",
            get(hearings::observation_documents),
        )
        .route(
            "/opinions",
            get(hearings::list_opinions).post(hearings::send_opinion),
        )
        .route("/opinions/{id}", get(hearings::show_opinion))
        .route("/opinions/{id}/remind", post(hearings::remind_opinion))
        .route("/opinions/{id}/answer", post(hearings::answer_opinion))
        .route("/opinions/{id}/documents", get(hearings::opinion_documents))
        .route(
            "/opinions/{id}/documents/{doc}",
            get(hearings::opinion_document),
        )
        .route(
            "/excellent/selections",
            get(excellent::list_selections).post(excellent::create_selection),
        )
        .route("/excellent/selections/{id}", get(excellent::show_selection))
        .route(
            "/excellent/selections/{id}/start-judging",
            post(excellent::start_judging),
        )
        .route(
            "/excellent/selections/{id}/publish",
            post(excellent::publish),
        )
        .route(
            "/excellent/selections/{id}/nominations",
            get(excellent::list_nominations).post(excellent::nominate),
        )
        .route(
            "/excellent/selections/{id}/candidates",
            get(excellent::candidates),
        )
        .route(
            "/excellent/nominations/{id}",
            get(excellent::show_nomination),
        )
        .route(
            "/excellent/nominations/{id}/withdraw",
            post(excellent::withdraw),
        )
        .route("/excellent/nominations/{id}/scores", post(excellent::score))
        .route("/excellent/pending", get(excellent::pending))
        .route("/excellent/honours", get(excellent::honours))
        // Outreach: consultations, duty lawyers, publicity (ADR 0021).
        .route(
            "/consultations",
            get(outreach::list_consultations).post(outreach::record_consultation),
        )
        .route("/consultations/topics", get(outreach::topics))
        .route("/consultations/report", get(outreach::report))
        .route("/consultations/{id}", get(outreach::show_consultation))
        .route(
            "/consultations/{id}/application",
            post(outreach::to_application),
        )
        .route(
            "/duty/roster",
            get(outreach::roster).post(outreach::add_roster),
        )
        .route(
            "/duty/roster/{id}",
            axum::routing::delete(outreach::remove_roster),
        )
        .route(
            "/duty/help",
            get(outreach::helps).post(outreach::record_help),
        )
        .route("/duty/help/{id}", get(outreach::show_help))
        .route("/duty/rates", get(outreach::rates).post(outreach::add_rate))
        .route("/duty/subsidies", get(outreach::subsidies))
        .route(
            "/publicity/activities",
            get(outreach::activities).post(outreach::record_activity),
        )
        .route("/publicity/activities/{id}", get(outreach::show_activity))
        .route(
            "/publicity/activities/{id}/photos",
            post(outreach::add_photo).layer(axum::extract::DefaultBodyLimit::max(
                legalaid_app::attachments::MAX_BYTES + 64 * 1024,
            )),
        )
        .route("/publicity/photos/{id}", get(outreach::photo))
        .route("/publicity/venues", get(outreach::venues))
        .route(
            "/publicity/media",
            get(outreach::media).post(outreach::record_media),
        )
        .route("/publicity/figures", get(outreach::figures))
        .route("/audit", get(admin::search_audit))
        .route("/audit/verify", get(admin::verify_audit))
        .fallback(not_found)
}

async fn not_found() -> crate::ApiError {
    crate::ApiError(legalaid_app::AppError::NotFound)
}

async fn openapi() -> axum::Json<serde_json::Value> {
    axum::Json(openapi::document())
}

/// Page parameters shared by every list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Items per page: default 20, at most 200.
    pub per_page: Option<i64>,
}

impl PageParams {
    pub fn page(&self) -> legalaid_app::Page {
        legalaid_app::Page::new(self.page, self.per_page)
    }
}

/// `{"items": [...], "total": N}`
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct List<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// `{"items": [...], "total": N, "more_than": M, "next": "..."}`: a list too long
/// to count whole (ADR 0037). `total` counts up to `more_than`, which is set when
/// there are more; `next`, when set, is the `after` that asks for the next page
/// (as cheap deep down the list as at its top).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct KeysetList<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub more_than: Option<i64>,
    pub next: Option<String>,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "legalaid 法律援助综合管理信息系统 API", version = "1", description = "JSON API. Errors are application/problem+json (RFC 9457). Authenticate with POST /auth/login and send `Authorization: Bearer <token>`."),
    paths(
        auth::login, auth::logout, auth::me, auth::change_password,
        admin::list_regions, admin::create_region,
        records::list_units, records::create_unit, records::show_unit, records::update_unit,
        records::list_staff, records::create_staff, records::show_staff, records::update_staff,
        admin::list_users, admin::create_user, admin::show_user, admin::update_user, admin::reset_password,
        admin::search_audit, admin::verify_audit,
        persons::create_person, persons::list_persons, persons::lookup, persons::show_person, persons::update_person, persons::reveal_id_number,
        rules::deadline, rules::add_year, rules::list_rules, rules::add_standard, rules::settings, rules::update_settings, rules::update_deadline, rules::add_matter, rules::add_exemption, rules::end_rule,
        applications::create, applications::show, applications::list, applications::assessment, applications::decide,
        applications::propose, applications::request_supplement, applications::supplement_received, applications::withdraw,
        applications::object, applications::decide_objection, applications::verify, applications::grant_pre_emptively,
        cases::open, cases::show, cases::quality_records, cases::list, cases::suggestions, cases::assign, cases::agreement, cases::progress,
        cases::terminate, cases::object, cases::closure, cases::review_closure, cases::subsidy, cases::grade, cases::pay,
        cases::request_replacement, cases::decide_replacement, cases::next_stage, messages::messages, funding::estimate, funding::set_target,
        messages::application_messages, funding::schedule, funding::add_schedule_row, funding::subsidy_totals, messages::set_contact, messages::message_templates, messages::update_message_template, messages::delivery_reports,
        attachments::upload, attachments::list, attachments::download, documents::list, documents::download,
        documents::case_list, documents::case_download, attachments::case_upload, attachments::case_list,
        queues::mine, queues::region,
        quality::list_schemes, quality::show_scheme, quality::save_scheme,
        quality::list_experts, quality::create_expert, quality::show_expert, quality::update_expert,
        quality::list_rounds, quality::create_round, quality::show_round, quality::draw, quality::close, quality::round_reviews,
        quality::show_review, quality::archive_check, quality::score, quality::recheck, quality::regrade,
        documents::review_list, documents::review_download,
        quality::list_rectifications, quality::issue_rectification, quality::show_rectification,
        quality::answer_rectification, quality::verify_rectification, quality::escalate_rectification,
        documents::rectification_list, documents::rectification_download,
        quality::staff_rating, quality::rating_rules, quality::add_rating_rule,
        complaints::create, complaints::list, complaints::figures, complaints::show, complaints::accept,
        complaints::refuse, complaints::extend, complaints::conclude, complaints::reply, complaints::remedy,
        complaints::documents, complaints::document,
        visits::create, visits::list, visits::show, visits::handle_alert, visits::plans, visits::plan, visits::figures,
        hearings::list_observations, hearings::plan_observation, hearings::show_observation,
        hearings::record_observation, hearings::cancel_observation, hearings::observation_documents, hearings::figures,
        hearings::list_opinions, hearings::send_opinion, hearings::show_opinion, hearings::remind_opinion,
        hearings::answer_opinion, hearings::opinion_documents, hearings::opinion_document,
        excellent::list_selections, excellent::create_selection, excellent::show_selection,
        excellent::start_judging, excellent::publish, excellent::list_nominations, excellent::candidates,
        excellent::nominate, excellent::show_nomination, excellent::withdraw, excellent::score,
        excellent::pending, excellent::honours,
        outreach::list_consultations, outreach::record_consultation, outreach::show_consultation,
        outreach::to_application, outreach::topics, outreach::report,
        outreach::roster, outreach::add_roster, outreach::remove_roster, outreach::helps,
        outreach::record_help, outreach::show_help, outreach::rates, outreach::add_rate, outreach::subsidies,
        outreach::activities, outreach::record_activity, outreach::show_activity, outreach::venues,
        outreach::media, outreach::record_media, outreach::figures, outreach::add_photo, outreach::photo,
    ),
    components(schemas(crate::error::Problem, legalaid_domain::FieldError)),
    modifiers(&BearerAuth, &ErrorResponses),
    tags((name = "auth", description = "登录与账号"), (name = "units", description = "单位与人员"), (name = "persons", description = "当事人（申请人、受援人）"), (name = "rules", description = "规则、期限与工作日历"), (name = "applications", description = "申请受理、审查与决定"), (name = "cases", description = "案件指派、承办、终止、结案、补贴与经费测算"), (name = "admin", description = "用户、角色、行政区划与审计"), (name = "queues", description = "待办事项与期限"), (name = "quality", description = "案卷评查：评分标准、专家库、评查批次与评分、整改、旁听庭审与征询意见、优秀案例评选"), (name = "complaints", description = "投诉的登记、受理、处理、答复与统计"), (name = "visits", description = "回访受援人、违规收费线索、回访计划与统计"), (name = "outreach", description = "法律咨询与季度咨询统计、值班律师法律帮助与值班补贴、法治宣传与媒体宣传统计"))
)]
pub struct ApiDoc;
