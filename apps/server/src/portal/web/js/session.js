// What the page knows about the parent's session: whether they are signed in (the navigation
// shows then), and the sign-in providers the server offers (GET /auth/providers).
export const session = { signedIn: false, providers: [] };
