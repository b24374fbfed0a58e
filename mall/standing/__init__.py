"""Standing orders: a collector reserves N of every new issue of a post or a theme, in the
formats and condition they collect, within a budget; each issue going on sale places a real
order for them, once, paid by their stored card off-session or by reference."""
