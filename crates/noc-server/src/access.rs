//! Every API request is authenticated to a [`Caller`] and then allowed or refused by
//! the role table: the one place that says which action each endpoint is. An
//! endpoint missing from the table is refused for everyone, so a new route cannot
//! slip out unguarded (a test walks the OpenAPI document against this table).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, MatchedPath, OriginalUri, Request, State};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use noc_api::{ApiError, Caller, Credential};
use noc_model::{Action, Role};
use subtle::ConstantTimeEq;

use crate::http::{bearer, operator, query_token, AppState, HttpError};

/// The action an endpoint takes, by method and route template (as axum matched it).
pub fn action_of(method: &Method, route: &str) -> Option<Action> {
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
        "/incidents/{id}/notices/draft" | "/incidents/{id}/notices/preview" => View,
        "/incidents/{id}/notices" => SendNotices,
        "/stats" if read => View,
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
        "/logout" | "/session" | "/session/password" => View,
        "/operators" if read => View,
        "/operators" | "/operators/{name}" | "/devices" | "/devices/{id}" => ManageAccounts,
        "/audit" if read => ReadAudit,
        "/duty" | "/duty/handover/draft" | "/duty/handovers" if read => View,
        "/duty/roster" | "/duty/overrides" => ManageRoster,
        "/duty/swaps"
        | "/duty/handover"
        | "/duty/handover/accept"
        | "/duty/log"
        | "/duty/patrol" => KeepShift,
        "/drills/scenarios" | "/drills/current" if read => View,
        "/drills" | "/drills/current/end" => RunDrills,
        "/drills/current/steps/{step}" => WorkIncidents,
        "/recordings" | "/recordings/{id}" | "/recordings/{id}/frame" | "/recordings/{id}/file"
            if read =>
        {
            View
        }
        "/recordings/import" | "/recordings/{id}/annotations" => Review,
        "/recordings" | "/recordings/{id}" => ExportRecordings,
        "/reports" if read => View,
        _ => return None,
    };
    Some(action)
}

/// Routes under `/api` that are outside the guard: how a token is got. They are
/// throttled and audited by their handlers.
pub const PUBLIC_ROUTES: &[(&str, &str)] = &[("POST", "/api/login")];

/// Resolves the caller, checks the endpoint's action against the caller's role and
/// hands the caller to the handler as an `Extension<Caller>`. Every change, and every
/// refusal, goes to the audit trail.
pub(crate) async fn guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let method = req.method().clone();
    // Inside `/api` the URI has lost its prefix; the audit shows the path as sent.
    let path = req
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| req.uri().path(), |OriginalUri(uri)| uri.path())
        .to_string();
    let address = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let caller = match authenticate(&state, req.headers(), req.uri().query(), address).await {
        Ok(caller) => caller,
        Err(err) => {
            let response = HttpError::from(err).into_response();
            audit(
                &state,
                None,
                address,
                &method,
                &path,
                response.status().as_u16(),
            )
            .await;
            return response;
        }
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
            let response = HttpError::from(err).into_response();
            let status = response.status().as_u16();
            audit(&state, Some(&caller), address, &method, &path, status).await;
            return response;
        }
    }
    req.extensions_mut().insert(caller.clone());
    let response = next.run(req).await;
    let status = response.status().as_u16();
    if method != Method::GET || status == 401 || status == 403 {
        audit(&state, Some(&caller), address, &method, &path, status).await;
    }
    response
}

/// One line of the audit trail: the path only, as the query may carry a token.
async fn audit(
    state: &AppState,
    caller: Option<&Caller>,
    address: Option<IpAddr>,
    method: &Method,
    path: &str,
    status: u16,
) {
    let attempt = noc_api::accounts::Attempt {
        at: state.accounts.audit_time(),
        method: method.as_str(),
        path,
        status,
    };
    let entry =
        noc_api::accounts::audit::entry(caller, "-", address.map(|a| a.to_string()), attempt);
    state.accounts.record_audit(&entry).await;
}

/// The launch token (admin, named by `X-Noc-Operator`), a session or a wall device.
async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    query: Option<&str>,
    address: Option<IpAddr>,
) -> Result<Caller, ApiError> {
    let offered = bearer(headers)
        .or_else(|| query_token(query))
        .ok_or_else(|| {
            ApiError::new(
                401,
                "unauthorized",
                "a valid access token is required: sign in, or open the URL the hub printed at start",
            )
        })?;
    if bool::from(offered.as_bytes().ct_eq(state.token.as_bytes())) {
        return Ok(Caller {
            name: operator(headers),
            role: Role::Admin,
            address,
            credential: Credential::LaunchToken,
        });
    }
    state.accounts.authenticate(offered, address).await
}
