"""A Redis cache that a Redis outage cannot take the site down with.

Everything the site keeps in its cache can be made again: whole pages, rendered
Markdown, the site's counts. So while Redis cannot be reached, a read is a miss and a
write is skipped, each after a short timeout (settings: CACHE_URL), and a warning is
logged once a minute; the site keeps answering, more slowly, and uses Redis again as
soon as it is back.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
WARN_EVERY = 60  # seconds


class ForgivingRedisCache(RedisCache):
    _warned_at = 0.0

    def _unavailable(self, error):
        now = time.monotonic()
        if now - ForgivingRedisCache._warned_at >= WARN_EVERY:
            ForgivingRedisCache._warned_at = now
            logger.warning(
                "The cache at %s cannot be reached (%s): pages are made afresh.", self._servers, error
            )

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNAVAILABLE as error:
            self._unavailable(error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNAVAILABLE as error:
            self._unavailable(error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNAVAILABLE as error:
            self._unavailable(error)
            return False

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNAVAILABLE as error:
            self._unavailable(error)

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNAVAILABLE as error:
            self._unavailable(error)
            return False

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNAVAILABLE as error:
            self._unavailable(error)
            return list(data)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNAVAILABLE as error:
            self._unavailable(error)
            return False

    def clear(self):
        try:
            return super().clear()
        except UNAVAILABLE as error:
            self._unavailable(error)
            return False
