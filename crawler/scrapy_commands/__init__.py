"""Scrapy commands canhgac replaces (`COMMANDS_MODULE`): each module holds one, named as Scrapy names it."""
