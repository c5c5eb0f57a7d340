use axum::Json;
use utoipa::OpenApi;

use crate::{duty, http, probes, silences, source_ack, sources, topology};

#[derive(OpenApi)]
#[openapi(
    info(title = "NOC console hub API", description = "See docs/api.md for the event stream protocol."),
    paths(
        http::info,
        http::snapshot,
        http::events,
        http::timeline,
        http::acknowledge,
        http::comment,
        sources::list,
        sources::one,
        sources::create,
        sources::replace,
        sources::remove,
        sources::test,
        sources::test_saved,
        sources::kpis,
        silences::list,
        silences::create,
        silences::expire,
        source_ack::acknowledge_at_source,
        probes::list,
        probes::history,
        crate::notify::list,
        crate::notify::test,
        duty::identify,
        duty::mitigate,
        duty::resolve,
        duty::review,
        duty::escalate,
        duty::merge,
        duty::split,
        duty::bulk,
        duty::mark_seen,
        duty::list_maintenance,
        duty::schedule_maintenance,
        duty::cancel_maintenance,
        duty::policy,
        duty::capabilities,
        topology::current,
        topology::import,
        topology::export,
        topology::edit,
        topology::positions,
        topology::layout,
        topology::node_impact,
        topology::incident_impact,
        crate::notices::draft,
        crate::notices::preview,
        crate::notices::send,
        crate::stats::stats,
        crate::accounts::login,
        crate::accounts::logout,
        crate::accounts::session,
        crate::accounts::change_password,
        crate::accounts::operators,
        crate::accounts::add_operator,
        crate::accounts::change_operator,
        crate::accounts::remove_operator,
        crate::accounts::devices,
        crate::accounts::register_device,
        crate::accounts::revoke_device,
        crate::accounts::read_audit,
        crate::shift::view,
        crate::shift::define_roster,
        crate::shift::override_duty,
        crate::shift::swap,
        crate::shift::draft,
        crate::shift::sign,
        crate::shift::accept,
        crate::shift::handovers,
        crate::shift::log,
        crate::shift::patrol,
        crate::review::list,
        crate::review::export,
        crate::review::import,
        crate::review::timeline,
        crate::review::frame,
        crate::review::download,
        crate::review::annotate,
        crate::review::remove,
        crate::drill::scenarios,
        crate::drill::start,
        crate::drill::current,
        crate::drill::check_step,
        crate::drill::end,
        crate::reports::report,
    ),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
            "token",
            Vec::<String>::new(),
        )]);
    }
}

pub(crate) async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
