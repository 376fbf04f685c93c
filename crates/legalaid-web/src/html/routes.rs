//! The route table of the pages: every URL and the handler that answers it,
//! grouped by resource as the modules are (applications, cases, persons,
//! administration), and the static files.

use super::*;
use crate::AppState;
use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(account::home))
        .route("/queues", get(account::supervision))
        .route("/login", get(account::login_page).post(account::login))
        .route("/logout", post(account::logout))
        .route(
            "/account/password",
            get(account::password_page).post(account::change_password),
        )
        .route(
            "/units",
            get(admin::records::units).post(admin::records::create_unit),
        )
        .route("/units/new", get(admin::records::new_unit))
        .route(
            "/units/{id}",
            get(admin::records::show_unit).post(admin::records::update_unit),
        )
        .route("/units/{id}/edit", get(admin::records::edit_unit))
        .route(
            "/staff",
            get(admin::records::staff_list).post(admin::records::create_staff),
        )
        .route("/staff/new", get(admin::records::new_staff))
        .route(
            "/staff/{id}",
            get(admin::records::show_staff).post(admin::records::update_staff),
        )
        .route("/staff/{id}/edit", get(admin::records::edit_staff))
        .route("/quality", get(quality::index))
        .route("/quality/rounds", post(quality::create_round))
        .route("/quality/rounds/new", get(quality::new_round))
        .route("/quality/rounds/{id}", get(quality::round))
        .route("/quality/rounds/{id}/draw", post(quality::draw))
        .route("/quality/rounds/{id}/close", post(quality::close))
        .route(
            "/quality/schemes",
            get(quality::pool::schemes_list).post(quality::pool::save_scheme),
        )
        .route("/quality/schemes/new", get(quality::pool::new_scheme))
        .route(
            "/quality/excellent",
            get(quality::excellent::list).post(quality::excellent::create),
        )
        .route("/quality/excellent/new", get(quality::excellent::new))
        .route("/quality/excellent/{id}", get(quality::excellent::show))
        .route(
            "/quality/excellent/{id}/start-judging",
            post(quality::excellent::start_judging),
        )
        .route(
            "/quality/excellent/{id}/publish",
            post(quality::excellent::publish),
        )
        .route(
            "/quality/excellent/{id}/nominate",
            get(quality::excellent_nomination::new),
        )
        .route(
            "/quality/excellent/{id}/nominations",
            post(quality::excellent_nomination::create),
        )
        .route(
            "/quality/excellent/nominations/{id}",
            get(quality::excellent_nomination::show),
        )
        .route(
            "/quality/excellent/nominations/{id}/withdraw",
            post(quality::excellent_nomination::withdraw),
        )
        .route(
            "/quality/excellent/nominations/{id}/score",
            post(quality::excellent_nomination::score),
        )
        .route(
            "/quality/rating-rules",
            get(quality::pool::rating_rules).post(quality::pool::add_rating_rule),
        )
        .route("/quality/schemes/{id}", get(quality::pool::scheme))
        .route(
            "/quality/schemes/{id}/retire",
            post(quality::pool::retire_scheme),
        )
        .route(
            "/quality/experts",
            get(quality::pool::experts_list).post(quality::pool::create_expert),
        )
        .route("/quality/experts/new", get(quality::pool::new_expert))
        .route(
            "/quality/experts/{id}",
            get(quality::pool::expert).post(quality::pool::update_expert),
        )
        // Outreach: consultations, duty lawyers, publicity (ADR 0021).
        .route(
            "/consultations",
            get(outreach::consultations::list).post(outreach::consultations::create),
        )
        .route("/consultations/new", get(outreach::consultations::new))
        .route(
            "/consultations/export.csv",
            get(outreach::consultations::export_csv),
        )
        .route(
            "/consultations/report",
            get(outreach::consultations::report),
        )
        .route(
            "/consultations/report.csv",
            get(outreach::consultations::report_csv),
        )
        .route("/consultations/{id}", get(outreach::consultations::show))
        .route(
            "/consultations/{id}/application",
            post(outreach::consultations::to_application),
        )
        .route("/duty", get(outreach::duty::index))
        .route("/duty/roster", post(outreach::duty::add_roster))
        .route(
            "/duty/roster/{id}/remove",
            get(outreach::duty::remove_page).post(outreach::duty::remove_roster),
        )
        .route("/duty/help", post(outreach::duty::record_help))
        .route("/duty/subsidies", get(outreach::duty::subsidies))
        .route("/duty/subsidies.csv", get(outreach::duty::subsidies_csv))
        .route(
            "/publicity",
            get(outreach::publicity::list).post(outreach::publicity::create),
        )
        .route("/publicity/new", get(outreach::publicity::new))
        .route("/publicity/figures", get(outreach::publicity::figures))
        .route(
            "/publicity/figures.csv",
            get(outreach::publicity::figures_csv),
        )
        .route("/publicity/{id}", get(outreach::publicity::show))
        .route(
            "/publicity/{id}/media",
            post(outreach::publicity::add_media),
        )
        .route(
            "/publicity/{id}/photos/new",
            get(outreach::publicity::new_photo),
        )
        .route(
            "/publicity/{id}/photos",
            post(outreach::publicity::add_photo).layer(axum::extract::DefaultBodyLimit::max(
                legalaid_app::attachments::MAX_BYTES + 64 * 1024,
            )),
        )
        .route("/publicity/photos/{id}", get(outreach::publicity::photo))
        .route("/visits", get(visits::list).post(visits::create))
        .route("/visits/new", get(visits::new))
        .route("/visits/plans", get(visits::plans).post(visits::plan))
        .route("/visits/figures", get(visits::figures))
        .route("/visits/{id}", get(visits::show))
        .route("/visits/{id}/handle-alert", post(visits::handle_alert))
        .route(
            "/rectifications",
            get(quality::rectification::list).post(quality::rectification::create),
        )
        .route("/rectifications/new", get(quality::rectification::new))
        .route("/rectifications/{id}", get(quality::rectification::show))
        .route(
            "/rectifications/{id}/answer",
            post(quality::rectification::answer),
        )
        .route(
            "/rectifications/{id}/verify",
            post(quality::rectification::verify),
        )
        .route(
            "/rectifications/{id}/escalate",
            post(quality::rectification::escalate),
        )
        .route(
            "/rectifications/{id}/documents/{doc}",
            get(documents::rectification_document),
        )
        .route("/reviews/{id}", get(quality::review::show))
        .route(
            "/reviews/{id}/archive-check",
            post(quality::review::archive_check),
        )
        .route("/reviews/{id}/score", post(quality::review::score))
        .route("/reviews/{id}/recheck", post(quality::review::recheck))
        .route("/reviews/{id}/regrade", post(quality::review::regrade))
        .route(
            "/reviews/{id}/documents/{doc}",
            get(documents::review_document),
        )
        .route("/persons", get(persons::list).post(persons::create))
        .route("/persons/new", get(persons::new))
        .route(
            "/persons/import",
            get(sheet_import::show_persons)
                .post(sheet_import::upload_persons)
                .layer(axum::extract::DefaultBodyLimit::max(
                    legalaid_app::attachments::MAX_BYTES + 64 * 1024,
                )),
        )
        .route(
            "/persons/import/template.csv",
            get(sheet_import::persons_template),
        )
        .route("/persons/export.csv", get(sheet_import::export_persons))
        .route(
            "/applications/import",
            get(sheet_import::show_applications)
                .post(sheet_import::upload_applications)
                .layer(axum::extract::DefaultBodyLimit::max(
                    legalaid_app::attachments::MAX_BYTES + 64 * 1024,
                )),
        )
        .route(
            "/applications/import/template.csv",
            get(sheet_import::applications_template),
        )
        .route(
            "/applications/export.csv",
            get(sheet_import::export_applications),
        )
        .route(
            "/cases/import",
            get(sheet_import::show_cases)
                .post(sheet_import::upload_cases)
                .layer(axum::extract::DefaultBodyLimit::max(
                    legalaid_app::attachments::MAX_BYTES + 64 * 1024,
                )),
        )
        .route(
            "/cases/import/template.csv",
            get(sheet_import::cases_template),
        )
        .route("/persons/duplicates", get(person_merges::list))
        .route(
            "/persons/merge",
            get(person_merges::merge_page).post(person_merges::merge),
        )
        .route(
            "/persons/distinct",
            get(person_merges::distinct_page).post(person_merges::distinct),
        )
        .route(
            "/person-merges/{id}/undo",
            get(person_merges::undo_page).post(person_merges::undo),
        )
        .route("/persons/{id}", get(persons::show).post(persons::update))
        .route("/persons/{id}/edit", get(persons::edit))
        .route(
            "/persons/{id}/id-number",
            get(persons::reveal_page).post(persons::reveal),
        )
        .route(
            "/applications/{id}/documents/{doc}",
            get(documents::document),
        )
        .route("/cases/{id}/documents/{doc}", get(documents::case_document))
        .route(
            "/applications/{id}/verification",
            get(applications::verification::page).post(applications::verification::save),
        )
        .route(
            "/applications/{id}/pre-emptive-grant",
            post(applications::steps::pre_emptive),
        )
        .route(
            "/applications/{id}/attachments/new",
            get(documents::upload_page),
        )
        .route(
            "/applications/{id}/attachments",
            post(documents::upload).layer(axum::extract::DefaultBodyLimit::max(
                legalaid_app::attachments::MAX_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/cases/{id}/attachments/new",
            get(documents::case_upload_page),
        )
        .route(
            "/cases/{id}/attachments",
            post(documents::case_upload).layer(axum::extract::DefaultBodyLimit::max(
                legalaid_app::attachments::MAX_BYTES + 64 * 1024,
            )),
        )
        .route("/attachments/{id}", get(documents::attachment))
        .route(
            "/admin/subsidy-schedule",
            get(admin::schedule::list).post(admin::schedule::create),
        )
        .route("/admin/subsidy-schedule/new", get(admin::schedule::new))
        .route("/admin/messages", get(admin::notices::templates))
        .route(
            "/admin/messages/{kind}/{audience}/{channel}",
            get(admin::notices::edit_template).post(admin::notices::update_template),
        )
        .route(
            "/persons/{id}/contact",
            get(admin::notices::edit_contact).post(admin::notices::update_contact),
        )
        .route("/admin/documents", get(documents::templates))
        .route(
            "/admin/documents/{kind}",
            get(documents::edit_template).post(documents::update_template),
        )
        .route(
            "/applications",
            get(applications::list).post(applications::intake::create),
        )
        .route("/applications/new", get(applications::intake::new))
        .route("/applications/{id}", get(applications::show))
        .route(
            "/applications/{id}/supplement-request",
            get(applications::steps::supplement_page).post(applications::steps::request_supplement),
        )
        .route(
            "/applications/{id}/supplement-received",
            post(applications::steps::supplement_received),
        )
        .route(
            "/applications/{id}/proposal",
            get(applications::steps::proposal_page).post(applications::steps::propose),
        )
        .route(
            "/applications/{id}/decision",
            get(applications::steps::decision_page).post(applications::steps::decide),
        )
        .route(
            "/applications/{id}/objection",
            get(applications::steps::objection_page).post(applications::steps::object),
        )
        .route(
            "/applications/{id}/withdrawal",
            get(applications::steps::withdrawal_page).post(applications::steps::withdraw),
        )
        .route(
            "/applications/{id}/objections/{oid}/decision",
            get(applications::steps::objection_decision_page)
                .post(applications::steps::decide_objection),
        )
        .route(
            "/applications/{id}/case",
            get(cases::assign::open_page).post(cases::assign::open),
        )
        .route("/cases", get(cases::list))
        .route("/cases/export.csv", get(cases::export))
        .route("/cases/{id}", get(cases::page::show))
        .route("/search", get(search::show))
        .route(
            "/cases/{id}/assign",
            get(cases::assign::assign_page).post(cases::assign::assign),
        )
        .route(
            "/cases/{id}/agreement",
            get(cases::steps::agreement_page).post(cases::steps::sign_agreement),
        )
        .route(
            "/cases/{id}/progress",
            get(cases::steps::progress_page).post(cases::steps::add_progress),
        )
        .route(
            "/cases/{id}/terminate",
            get(cases::steps::terminate_page).post(cases::steps::terminate),
        )
        .route(
            "/cases/{id}/object",
            get(cases::steps::object_page).post(cases::steps::object),
        )
        .route(
            "/cases/{id}/objections/{oid}/decision",
            get(cases::steps::objection_decision_page).post(cases::steps::decide_objection),
        )
        .route(
            "/cases/{id}/closure",
            get(cases::steps::closure_page).post(cases::steps::submit_closure),
        )
        .route(
            "/cases/{id}/closure-review",
            get(cases::steps::closure_review_page).post(cases::steps::review_closure),
        )
        .route(
            "/cases/{id}/grade",
            get(cases::steps::grade_page).post(cases::steps::set_grade),
        )
        .route(
            "/cases/{id}/pay",
            get(cases::steps::pay_page).post(cases::steps::pay),
        )
        .route(
            "/cases/{id}/replacement",
            get(cases::steps::replacement_page).post(cases::steps::request_replacement),
        )
        .route(
            "/cases/{id}/replacements/{rid}",
            get(cases::assign::replacement_decision_page).post(cases::assign::decide_replacement),
        )
        .route("/cases/{id}/next-stage", post(cases::steps::next_stage))
        .route(
            "/complaints",
            get(complaints::list).post(complaints::create),
        )
        .route("/complaints/new", get(complaints::new))
        .route("/complaints/figures", get(complaints::figures))
        .route("/complaints/{id}", get(complaints::show))
        .route("/complaints/{id}/{step}", post(complaints::step))
        .route(
            "/complaints/{id}/documents/{doc}",
            get(complaints::document),
        )
        .route("/hearings", get(cases::hearings))
        .route(
            "/hearings/observations",
            get(quality::hearing::list).post(quality::hearing::create),
        )
        .route("/hearings/observations/new", get(quality::hearing::new))
        .route("/hearings/observations/{id}", get(quality::hearing::show))
        .route(
            "/hearings/observations/{id}/record",
            post(quality::hearing::record),
        )
        .route(
            "/hearings/observations/{id}/cancel",
            post(quality::hearing::cancel),
        )
        .route(
            "/opinions",
            get(quality::opinion::list).post(quality::opinion::create),
        )
        .route("/opinions/new", get(quality::opinion::new))
        .route("/opinions/{id}", get(quality::opinion::show))
        .route("/opinions/{id}/remind", post(quality::opinion::remind))
        .route("/opinions/{id}/answer", post(quality::opinion::answer))
        .route(
            "/opinions/{id}/documents/{doc}",
            get(documents::opinion_document),
        )
        .route("/hearings/export.csv", get(cases::hearings_csv))
        .route("/messages", get(cases::inbox))
        .route("/messages/read", post(cases::mark_read))
        .route("/funding", get(cases::funding::page))
        .route("/funding/target", post(cases::funding::set_target))
        .route("/subsidies", get(cases::funding::subsidies))
        .route("/subsidies/export.csv", get(cases::funding::subsidies_csv))
        .route("/admin/rules", get(admin::rules::rules_page))
        .route(
            "/admin/rules/standards/new",
            get(admin::rules::new_standard),
        )
        .route(
            "/admin/rules/standards",
            post(admin::rules::create_standard),
        )
        .route(
            "/admin/rules/deadlines/{code}",
            get(admin::rules::edit_deadline).post(admin::rules::update_deadline),
        )
        .route("/admin/rules/matters/new", get(admin::rules::new_matter))
        .route("/admin/rules/matters", post(admin::rules::create_matter))
        .route(
            "/admin/rules/exemptions/new",
            get(admin::rules::new_exemption),
        )
        .route(
            "/admin/rules/exemptions",
            post(admin::rules::create_exemption),
        )
        .route(
            "/admin/settings",
            get(admin::rules::settings_page).post(admin::rules::update_settings),
        )
        .route(
            "/admin/calendar",
            get(admin::calendar::calendar).post(admin::calendar::add_year),
        )
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route("/admin/users/new", get(admin::new_user))
        .route(
            "/admin/users/{id}",
            get(admin::show_user).post(admin::update_user),
        )
        .route("/admin/users/{id}/edit", get(admin::edit_user))
        .route(
            "/admin/users/{id}/password",
            get(admin::reset_password_page).post(admin::reset_password),
        )
        .route(
            "/admin/regions",
            get(admin::regions).post(admin::create_region),
        )
        .route("/admin/regions/new", get(admin::new_region))
        .route("/audit", get(admin::audit::audit))
        .route("/audit/export.csv", get(admin::audit::audit_csv))
        .route("/audit/verify", get(admin::audit::audit_verify))
        .route("/public", get(|| async { see_other("/public/") }))
        .route("/public/", get(public::home))
        .route("/public/guide", get(public::guide))
        .route("/public/units", get(public::units))
        .route("/public/report", get(public::report))
        .route(
            "/public/evaluate/{token}",
            get(public::evaluate_page).post(public::evaluate),
        )
        .route("/public/check", get(public::check_page).post(public::check))
        .route(
            "/public/apply",
            get(public::apply_form).post(public::apply_submit),
        )
        .route("/public/apply/code", post(public::apply_code))
        .route("/public/apply/verify", post(public::apply_verify))
        .route("/public/progress", get(public::progress_page))
        .route("/public/progress/code", post(public::progress_code))
        .route("/public/progress/verify", post(public::progress_verify))
        .route("/public/progress/view", get(public::progress_view))
        .route("/public/progress/letter", get(public::progress_letter))
        .route("/public/complaint", get(public::complaint_page))
        .route("/public/complaint/code", post(public::complaint_code))
        .route("/public/complaint/verify", post(public::complaint_verify))
        .route(
            "/public/complaint/form",
            get(public::complaint_form).post(public::complaint_submit),
        )
        .route("/static/portal.css", get(portal_css))
        // Surveys and training (issue 11).
        .route("/surveys", get(surveys::list).post(surveys::create))
        .route("/surveys/new", get(surveys::new))
        .route(
            "/surveys/instruments",
            get(surveys::instruments).post(surveys::create_instrument),
        )
        .route("/surveys/instruments/new", get(surveys::new_instrument))
        .route("/surveys/instruments/{id}", get(surveys::instrument))
        .route("/surveys/{id}", get(surveys::show))
        .route(
            "/surveys/{id}/codes",
            get(surveys::codes).post(surveys::issue),
        )
        .route("/surveys/{id}/answers", axum::routing::post(surveys::enter))
        .route("/surveys/{id}/answers/new", get(surveys::new_answer))
        .route("/surveys/{id}/answers.csv", get(surveys::answers_csv))
        .route("/surveys/{id}/results.csv", get(surveys::results_csv))
        .route(
            "/public/surveys/{code}",
            get(public::survey_page).post(public::survey_answer),
        )
        .route("/supervision", get(supervision::dashboard))
        .route("/supervision/cases", get(supervision::cases))
        .route(
            "/supervision/orders",
            get(supervision_orders::list).post(supervision_orders::create),
        )
        .route(
            "/supervision/evaluation",
            get(supervision_eval::page).post(supervision_eval::enter),
        )
        .route("/supervision/evaluation.xlsx", get(supervision_eval::xlsx))
        .route("/supervision/report-forms", get(supervision_forms::page))
        .route(
            "/supervision/report-forms/entries",
            get(supervision_forms::entries_page).post(supervision_forms::enter),
        )
        .route(
            "/supervision/report-forms.xlsx",
            get(supervision_forms::xlsx),
        )
        .route(
            "/supervision/targets",
            get(supervision_targets::page).post(supervision_targets::save),
        )
        .route("/supervision/statistics", get(supervision_stats::page))
        .route("/supervision/statistics.xlsx", get(supervision_stats::xlsx))
        .route("/supervision/statistics.csv", get(supervision_stats::csv))
        .route(
            "/supervision/bulletins",
            get(supervision_bulletins::list).post(supervision_bulletins::create),
        )
        .route(
            "/supervision/bulletins/{id}",
            get(supervision_bulletins::show),
        )
        .route(
            "/supervision/bulletins/{id}/edit",
            post(supervision_bulletins::edit),
        )
        .route(
            "/supervision/bulletins/{id}/issue",
            post(supervision_bulletins::issue),
        )
        .route(
            "/supervision/bulletins/{id}/document",
            get(supervision_bulletins::document),
        )
        .route("/supervision/orders/new", get(supervision_orders::new))
        .route("/supervision/orders/{id}", get(supervision_orders::show))
        .route(
            "/supervision/orders/{id}/answer",
            post(supervision_orders::answer),
        )
        .route(
            "/supervision/orders/{id}/close",
            post(supervision_orders::close),
        )
        .route(
            "/supervision/orders/{id}/return",
            post(supervision_orders::return_),
        )
        .route(
            "/supervision/orders/{id}/escalate",
            post(supervision_orders::escalate),
        )
        .route(
            "/supervision/orders/{id}/documents/{doc}",
            get(documents::supervision_document),
        )
        .route(
            "/supervision/rules",
            get(supervision::rules).post(supervision::add_rule),
        )
        .route("/training", get(training::list).post(training::create))
        .route("/training/new", get(training::new))
        .route("/training/hours", get(training::hours))
        .route("/training/hours.csv", get(training::hours_csv))
        .route("/training/{id}", get(training::show))
        .route("/training/{id}/enrol", post(training::enrol))
        .route("/training/{id}/attendance", post(training::confirm))
        .route("/static/app.css", get(css))
        .route("/static/app.js", get(js))
        .layer(axum::middleware::from_fn(remember_path))
}

tokio::task_local! {
    /// The path of the page request being answered, for the error page's way back.
    pub(crate) static PAGE_PATH: String;
}

/// Keeps the request's path while its page is answered (see [`back_to_record`]).
async fn remember_path(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let path = req.uri().path().to_owned();
    PAGE_PATH.scope(path, next.run(req)).await
}

/// The record a page under it belongs to, as (link, label): an error on
/// `/cases/12/pay` leads back to the case, not only to the work bench.
pub(crate) fn back_to_record(path: &str) -> Option<(String, &'static str)> {
    let mut parts = path.trim_start_matches('/').split('/');
    let (kind, id, rest) = (parts.next()?, parts.next()?, parts.next());
    let label = match kind {
        "cases" => "返回案件",
        "applications" => "返回申请",
        "persons" => "返回当事人",
        "units" => "返回单位",
        "staff" => "返回人员",
        "users" => "返回账号",
        "complaints" => "返回投诉",
        _ => return None,
    };
    let id: i64 = id.parse().ok().filter(|i| *i > 0)?;
    rest.filter(|r| !r.is_empty())?;
    Some((format!("/{kind}/{id}"), label))
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
        .into_response()
}

async fn portal_css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/portal.css"),
    )
        .into_response()
}

async fn js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.js"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::back_to_record;

    #[test]
    fn an_error_under_a_record_leads_back_to_it() {
        assert_eq!(
            back_to_record("/cases/12/pay"),
            Some(("/cases/12".to_owned(), "返回案件"))
        );
        assert_eq!(
            back_to_record("/applications/7/objections/3/decision"),
            Some(("/applications/7".to_owned(), "返回申请"))
        );
        // The record's own page, lists and other paths have no record to go back to.
        for path in [
            "/cases/12",
            "/cases/12/",
            "/cases",
            "/cases/x/pay",
            "/cases/0/pay",
            "/audit/1/x",
            "/",
        ] {
            assert_eq!(back_to_record(path), None, "{path}");
        }
    }
}
