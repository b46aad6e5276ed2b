//! `POST /api/v1/users`: the scheme administrator creates a user in an organisation whose kind
//! fits the role.

use axum::extract::State;
use axum::response::Response;
use dtsec_registry::{NewUser, Role};
use serde::Deserialize;

use crate::done::Done;
use crate::error::{AppError, AppResult};
use crate::input::Input;
use crate::state::AppState;

/// The new account.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct CreateUserParams {
    /// E-mail address (the login).
    pub email: String,
    /// Display name.
    pub name: String,
    /// `scheme-admin`, `certifier`, `lab-evaluator` or `manufacturer`.
    pub role: String,
    /// The organisation's id.
    pub org_id: String,
    /// The initial password (at least 10 characters); the user should change it.
    pub password: String,
}

/// Creates the user. The password is never echoed back.
pub async fn create(State(state): State<AppState>, input: Input) -> AppResult<Response> {
    let p: CreateUserParams = input.parse()?;
    let role = Role::parse(p.role.trim())
        .filter(|r| *r != Role::Public)
        .ok_or_else(|| {
            AppError::bad_request(format!(
                "unknown role `{}`; use scheme-admin, certifier, lab-evaluator or manufacturer",
                p.role
            ))
        })?;
    let user = state
        .store
        .create_user(
            &input.caller.actor,
            NewUser {
                email: p.email,
                name: p.name,
                role,
                org_id: p.org_id,
                password: p.password,
            },
        )
        .await?;
    Ok(input.done_named(Done::UserCreated, &user.id.clone(), user))
}
