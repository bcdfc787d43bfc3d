//! Custom derivatives: `custom_vjp` and `custom_jvp`.
