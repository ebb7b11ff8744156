"use strict";
// Sign in with a token: POST /auth/login sets an HttpOnly session cookie.
document.getElementById("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("login-error");
  error.textContent = "";
  const token = document.getElementById("token").value.trim();
  try {
    const response = await fetch("/auth/login", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({token}),
      credentials: "same-origin",
    });
    if (response.ok) {
      window.location.assign("/console");
      return;
    }
    const body = await response.json().catch(() => ({}));
    error.textContent = body.error || "Sign-in failed.";
  } catch (e) {
    error.textContent = "The server cannot be reached.";
  }
});
