"""A post's back office at `stamps.<cc>.<domain>/manage`, for that post's staff only.

Every page goes through one request layer (`vendors.backoffice.access`): the post comes from
the host (`mall.tenancy`), and the signed-in staff member must work for it, with the role
the page requires, before the handler runs."""
