"""Post Mall: the postal shopping mall for philately under .POST."""

from mall.app import create_app

__all__ = ["create_app"]
