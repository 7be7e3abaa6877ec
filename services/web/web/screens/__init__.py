"""The screens, one module per user group (handbook §5 names them): common (start page, header, live updates,
stay lookup, accessibility statement), ward, inbox (municipality and vårdcentral), stay (the page of one stay for
every role), finance, disputes (the municipality's invoices and finance's decisions) and admin."""

from web.screens import admin, common, disputes, finance, inbox, stay, ward

ROUTERS = [common.router, ward.router, inbox.router, stay.router, finance.router, disputes.router, admin.router]
