"""The web application (handbook §5 words on screen; ADR 0017): a backend-for-frontend that holds sessions, not
facts. Every read and write goes to the owning service with the signed-in user's own token."""
