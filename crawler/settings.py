"""Scrapy settings for citynews: polite by default, offline-testable through a proxy."""

BOT_NAME = "citynews"
SPIDER_MODULES = ["citynews.crawler.spiders"]
NEWSPIDER_MODULE = "citynews.crawler.spiders"

from citynews.model import USER_AGENT  # noqa: E402, F401 - a Scrapy setting, defined once

ROBOTSTXT_OBEY = True

# Politeness: at most two requests per domain at once, AutoThrottle adapts to the server.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
# Pages above this are cancelled while downloading, never held in memory.
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
HTTPERROR_ALLOW_ALL = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "WARNING"
# Dropped items (listings, pages without text) are expected and recorded in fetch_events; at
# WARNING Scrapy would print each item, raw HTML included, into every cron mail.
DEFAULT_DROPITEM_LOG_LEVEL = "INFO"

DOWNLOADER_MIDDLEWARES = {
    # In the places of Scrapy's own: redirects obey allowed_domains, Retry-After is honoured.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "citynews.crawler.offsite.OffsiteRedirectMiddleware": 50,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "citynews.crawler.retry.RetryAfterMiddleware": 550,
    "citynews.crawler.middlewares.LocalProxyMiddleware": 740,
    "citynews.crawler.middlewares.FetchLogMiddleware": 540,
    "citynews.crawler.middlewares.RedirectLogMiddleware": 610,
}
ITEM_PIPELINES = {
    "citynews.crawler.pipelines.NormalizePipeline": 300,
    "citynews.crawler.pipelines.StoragePipeline": 800,
}

# citynews' own settings (set by crawler.run from the CLI options, or `scrapy ... -s KEY=VALUE`)
import os  # noqa: E402 - settings modules are flat; these feed the defaults below

from citynews.paths import default_db, default_sources  # noqa: E402

CITYNEWS_DB = str(default_db())
CITYNEWS_FULL = False
CITYNEWS_PROXY = ""
CITYNEWS_MAX_RETRY_AFTER = 300
# The sources `scrapy list` and `scrapy crawl NAME` read (one spider per enabled source).
CITYNEWS_SOURCES = os.environ.get("CITYNEWS_SOURCES") or str(default_sources())
SPIDER_LOADER_CLASS = "citynews.crawler.spiderloader.SourceSpiderLoader"
# `scrapy crawl NAME` runs `citynews crawl --source NAME`: same lock, summary and exit codes.
COMMANDS_MODULE = "citynews.ops.scrapy_commands"

# Live progress line on a terminal; the extension stays unloaded when stderr is not a TTY.
EXTENSIONS = {"citynews.crawler.extensions.ProgressExtension": 500}
CITYNEWS_PROGRESS_INTERVAL = 2.0
