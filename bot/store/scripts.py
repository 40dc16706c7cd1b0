"""The Lua scripts that make the Redis store's multi-step operations atomic."""

from __future__ import annotations

# Delete KEYS[1] only when it still holds our token ARGV[1].
RELEASE_LUA = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
# Extend KEYS[1] to ARGV[2] ms only while it still holds our token ARGV[1] (a heartbeat).
RENEW_LUA = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0
"""
# Publish a flight's outcome (KEYS[2] <- ARGV[2] for ARGV[3] ms, unless empty), then release
# the flight's lock KEYS[1] if it is still ours (ARGV[1]); atomic, so a waiter never sees the
# lock gone without the result.
END_FLIGHT_LUA = """
if ARGV[2] ~= '' then redis.call('set', KEYS[2], ARGV[2], 'PX', ARGV[3]) end
if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('del', KEYS[1]) end
return 1
"""
# Sliding-window limit on sorted set KEYS[1]: ARGV now, window, limit, unique member.
# Returns {1, '0'} when counted, {0, seconds until a slot frees} when refused.
RATE_LUA = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('zremrangebyscore', KEYS[1], '-inf', now - window)
if redis.call('zcard', KEYS[1]) >= limit then
  local oldest = redis.call('zrange', KEYS[1], 0, 0, 'withscores')
  return {0, tostring(tonumber(oldest[2]) + window - now)}
end
redis.call('zadd', KEYS[1], now, ARGV[4])
redis.call('pexpire', KEYS[1], math.ceil(window * 1000))
return {1, '0'}
"""

# Store a batch of ledger records server-side (one round trip, no per-command client cost).
# ARGV: ttl ms, oldest score kept, then per record: id, body, score, number of index keys.
# KEYS: per record: its record key, then its index keys (sorted sets of ids by score).
PUT_RECORDS_LUA = """
local px, oldest = ARGV[1], ARGV[2]
local a, key = 3, 1
while a <= #ARGV do
  local id, body, score, n = ARGV[a], ARGV[a + 1], ARGV[a + 2], tonumber(ARGV[a + 3])
  redis.call('set', KEYS[key], body, 'PX', px)
  for i = 1, n do
    local index = KEYS[key + i]
    redis.call('zadd', index, score, id)
    redis.call('zremrangebyscore', index, '-inf', oldest)
    redis.call('pexpire', index, px)
  end
  a, key = a + 4, key + n + 1
end
return key - 1
"""
