//! Public-client sign-in to Sage ID: profiles, PKCE, the loopback listener, token exchange
//! and refresh, and the OS-keyring token store. Uses `model` and its own crates; never egui,
//! `ui` or `app`.
