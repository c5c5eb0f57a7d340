//! Operator accounts over HTTP: sign in and out, the caller's own session and
//! password, operators and wall screens (admin), and the audit trail.
//!
//! `POST /api/login` is the one API route outside the guard: it is how a token is
//! got. It is throttled and audited here instead.

pub mod command_line;

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post, put};
use axum::{Extension, Json, Router};
use noc_api::accounts::devices::{DeviceRequest, DeviceView, RegisteredDevice};
use noc_api::accounts::{
    audit, AuditParams, LoginAnswer, LoginRequest, NewOperator, OperatorChange, OperatorView,
    PasswordChange, SessionView,
};
use noc_api::{ApiError, Caller};
use noc_store::AuditEntry;

use crate::http::{bearer, query_token, ApiResult, AppState, HttpError};

/// Routes behind the guard.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/logout", post(logout))
        .route("/session", get(session))
        .route("/session/password", put(change_password))
        .route("/operators", get(operators).post(add_operator))
        .route(
            "/operators/{name}",
            patch(change_operator).delete(remove_operator),
        )
        .route("/devices", get(devices).post(register_device))
        .route("/devices/{id}", delete(revoke_device))
        .route("/audit", get(read_audit))
}

/// The route that hands out tokens, outside the guard.
pub(crate) fn public_routes() -> Router<AppState> {
    Router::new().route("/login", post(login))
}

/// The address a request came from, when the server knows it (not in tests that
/// call the router directly).
pub(crate) struct ClientAddress(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let address = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(a)| a.ip());
        Ok(ClientAddress(address))
    }
}

/// The token the request was let in with (the guard has checked it).
pub(crate) struct OfferedToken(String);

impl<S: Send + Sync> FromRequestParts<S> for OfferedToken {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        bearer(&parts.headers)
            .or_else(|| query_token(parts.uri.query()))
            .map(|t| OfferedToken(t.to_string()))
            .ok_or_else(|| HttpError::from(ApiError::new(401, "unauthorized", "no token")))
    }
}

/// A JSON body whose refusal is the API's `400 invalid_request`, like the others.
pub(crate) struct Body<T>(T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = HttpError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(ApiError::invalid(rejection.body_text()).into()),
        }
    }
}

/// A refusal, with `Retry-After` when the throttle refused.
fn refusal(state: &AppState, err: ApiError, name: &str, address: Option<IpAddr>) -> Response {
    let retry = (err.code == "too_many_attempts")
        .then(|| state.accounts.retry_after_secs(name, address))
        .flatten();
    let mut response = HttpError::from(err).into_response();
    if let Some(secs) = retry {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

#[utoipa::path(post, path = "/api/login", request_body = LoginRequest, security(()),
    responses((status = 200, body = LoginAnswer), (status = 401, description = "wrong_credentials"),
        (status = 403, description = "account_disabled"),
        (status = 429, description = "too_many_attempts, with Retry-After")))]
pub(crate) async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Body(request): Body<LoginRequest>,
) -> Response {
    let name = request.name.clone();
    let tried = audit_name(&name);
    let answer = state.accounts.login(request, address).await;
    let status = match &answer {
        Ok(_) => 200,
        Err(err) => err.status,
    };
    let entry = audit::entry(
        None,
        &tried,
        address.map(|a| a.to_string()),
        audit::Attempt {
            at: state.accounts.audit_time(),
            method: "POST",
            path: "/api/login",
            status,
        },
    );
    state.accounts.record_audit(&entry).await;
    match answer {
        Ok(answer) => Json(answer).into_response(),
        Err(err) => refusal(&state, err, &name, address),
    }
}

/// The name a login tried, as the audit trail may show it: bounded, no control
/// characters.
fn audit_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !c.is_control())
        .take(noc_api::accounts::MAX_NAME_CHARS)
        .collect();
    if clean.trim().is_empty() {
        "-".to_string()
    } else {
        clean
    }
}

#[utoipa::path(post, path = "/api/logout", responses((status = 204)))]
pub(crate) async fn logout(
    State(state): State<AppState>,
    OfferedToken(token): OfferedToken,
) -> Result<StatusCode, HttpError> {
    state.accounts.logout(&token).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/session", responses((status = 200, body = SessionView)))]
pub(crate) async fn session(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    OfferedToken(token): OfferedToken,
) -> ApiResult<SessionView> {
    Ok(Json(state.accounts.session_view(&caller, &token).await?))
}

#[utoipa::path(put, path = "/api/session/password", request_body = PasswordChange,
    responses((status = 204), (status = 401, description = "wrong_credentials"),
        (status = 422, description = "weak_password"), (status = 429, description = "too_many_attempts")))]
pub(crate) async fn change_password(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    OfferedToken(token): OfferedToken,
    Body(change): Body<PasswordChange>,
) -> Response {
    match state
        .accounts
        .change_own_password(&caller, &token, change)
        .await
    {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(err) => refusal(&state, err, &caller.name, caller.address),
    }
}

#[utoipa::path(get, path = "/api/operators", responses((status = 200, body = Vec<OperatorView>)))]
pub(crate) async fn operators(State(state): State<AppState>) -> ApiResult<Vec<OperatorView>> {
    Ok(Json(state.accounts.operators().await?))
}

#[utoipa::path(post, path = "/api/operators", request_body = NewOperator,
    responses((status = 201, body = OperatorView), (status = 409, description = "operator_exists"),
        (status = 422, description = "weak_password or invalid_name")))]
pub(crate) async fn add_operator(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Body(new): Body<NewOperator>,
) -> Result<(StatusCode, Json<OperatorView>), HttpError> {
    let added = state.accounts.add_operator(new, &caller.name).await?;
    Ok((StatusCode::CREATED, Json(added)))
}

#[utoipa::path(patch, path = "/api/operators/{name}", request_body = OperatorChange,
    params(("name" = String, Path)),
    responses((status = 200, body = OperatorView), (status = 409, description = "last_admin")))]
pub(crate) async fn change_operator(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(name): Path<String>,
    Body(change): Body<OperatorChange>,
) -> ApiResult<OperatorView> {
    Ok(Json(
        state
            .accounts
            .change_operator(&name, change, &caller.name)
            .await?,
    ))
}

#[utoipa::path(delete, path = "/api/operators/{name}", params(("name" = String, Path)),
    responses((status = 204), (status = 409, description = "last_admin")))]
pub(crate) async fn remove_operator(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(name): Path<String>,
) -> Result<StatusCode, HttpError> {
    state.accounts.remove_operator(&name, &caller.name).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/devices", responses((status = 200, body = Vec<DeviceView>)))]
pub(crate) async fn devices(State(state): State<AppState>) -> ApiResult<Vec<DeviceView>> {
    Ok(Json(state.accounts.devices().await?))
}

#[utoipa::path(post, path = "/api/devices", request_body = DeviceRequest,
    responses((status = 201, body = RegisteredDevice)))]
pub(crate) async fn register_device(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Body(request): Body<DeviceRequest>,
) -> Result<(StatusCode, Json<RegisteredDevice>), HttpError> {
    let registered = state
        .accounts
        .register_device(request, &caller.name)
        .await?;
    Ok((StatusCode::CREATED, Json(registered)))
}

#[utoipa::path(delete, path = "/api/devices/{id}", params(("id" = i64, Path)),
    responses((status = 204)))]
pub(crate) async fn revoke_device(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Result<StatusCode, HttpError> {
    state.accounts.revoke_device(id, &caller.name).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/audit", params(AuditParams),
    responses((status = 200, body = Vec<AuditEntry>)))]
pub(crate) async fn read_audit(
    State(state): State<AppState>,
    Query(params): Query<AuditParams>,
) -> ApiResult<Vec<AuditEntry>> {
    Ok(Json(state.accounts.audit(params).await?))
}
