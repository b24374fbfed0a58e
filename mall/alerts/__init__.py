"""New-issue alerts: a collector follows a post, a theme or a collection and hears of each
issue that goes on sale there, at once or in a daily digest.

Following happens at the portal, where the account lives; storefront pages link there with
the same plain link for everyone, so they stay cacheable. Mail goes out after the
publication commits (the `catalogue.issue_published` announcement), once per collector and
issue however many of their follows it matches."""
