//! Every API request is authenticated to a [`Caller`] and then allowed or refused by
//! the role table: the one place that says which action each endpoint is. An
//! endpoint missing from the table is refused for everyone, so a new route cannot
//! slip out unguarded (a test walks the OpenAPI document against this table).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use noc_api::{ApiError, Caller, Credential};
use noc_model::{Action, Role};
use subtle::ConstantTimeEq;

use crate::http::{bearer, operator, query_token, AppState, HttpError};

/// The action an endpoint takes, by method and route template (as axum matched it).
pub(crate) fn action_of(method: &Method, route: &str) -> Option<Action> {
    use Action::*;
    let path = route.strip_prefix("/api").unwrap_or(route);
    let read = method == Method::GET;
    let action = match path {
        "/info"
        | "/state"
        | "/events"
        | "/stream"
        | "/openapi.json"
        | "/policy"
        | "/capabilities"
        | "/kpis"
        | "/probes"
        | "/probes/{name}/history"
        | "/incidents/{id}/timeline"
        | "/incidents/{id}/impact"
        | "/topology"
        | "/topology/export"
        | "/topology/nodes/{id}/impact"
        | "/notify/channels"
            if read =>
        {
            View
        }
        "/maintenance" if read => View,
        "/sources" | "/sources/{name}" if read => View,
        "/sources/{name}/silences" if read => View,
        "/incidents/{id}/acknowledge"
        | "/incidents/{id}/comments"
        | "/incidents/{id}/identify"
        | "/incidents/{id}/mitigate"
        | "/incidents/{id}/resolve"
        | "/incidents/{id}/review"
        | "/incidents/{id}/escalate"
        | "/incidents/{id}/merge"
        | "/incidents/{id}/split"
        | "/incidents/bulk"
        | "/alarms/seen" => WorkIncidents,
        "/sources/{name}/silences"
        | "/sources/{name}/silences/{id}"
        | "/alarms/{id}/acknowledge-at-source" => ActAtSources,
        "/maintenance" | "/maintenance/{id}" => PlanMaintenance,
        "/topology/import" | "/topology/edit" | "/topology/positions" | "/topology/layout" => {
            EditTopology
        }
        "/sources"
        | "/sources/test"
        | "/sources/{name}"
        | "/sources/{name}/test"
        | "/notify/channels/{name}/test" => Configure,
        _ => return None,
    };
    Some(action)
}

/// Resolves the caller, checks the endpoint's action against the caller's role and
/// hands the caller to the handler as an `Extension<Caller>`.
pub(crate) async fn guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let Some(caller) = authenticate(&state, &req) else {
        let err = ApiError::new(
            401,
            "unauthorized",
            "a valid access token is required: open the URL the hub printed at start",
        );
        return HttpError::from(err).into_response();
    };
    // Unknown paths fall through to the API's 404, but only for an authenticated caller.
    if let Some(route) = req.extensions().get::<MatchedPath>() {
        let allowed = match action_of(req.method(), route.as_str()) {
            Some(action) => caller.require(action),
            None => Err(ApiError::new(
                403,
                "forbidden",
                format!("{} {} has no access rule", req.method(), route.as_str()),
            )),
        };
        if let Err(err) = allowed {
            return HttpError::from(err).into_response();
        }
    }
    req.extensions_mut().insert(caller);
    next.run(req).await
}

fn authenticate(state: &AppState, req: &Request) -> Option<Caller> {
    let offered = bearer(req.headers()).or_else(|| query_token(req.uri().query()))?;
    let address = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let launch = bool::from(offered.as_bytes().ct_eq(state.token.as_bytes()));
    launch.then(|| Caller {
        name: operator(req.headers()),
        role: Role::Admin,
        address,
        credential: Credential::LaunchToken,
    })
}
