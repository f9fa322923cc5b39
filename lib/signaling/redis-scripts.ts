/**
 * The Lua scripts behind `RedisRooms`. Each runs atomically in Redis, so that two processes cannot
 * both take the last seat, and a delivery cannot slip between a resume's claim and the hand-over
 * of what was held.
 *
 * One hash per room (`<prefix>room:{<room id>}`) holds everything about it:
 *   count, order      members, and the last join order given
 *   m:<peer>          the member's name and media (JSON, opaque to Lua)
 *   o:<peer>          its join order
 *   p:<peer>          where it is: "<node> <epoch> <away until, ms; 0 while attached>"
 *   k:<peer>          the hash of its resume token, and t:<hash> the peer it belongs to
 * Messages held for an away peer are a list beside it (`<room key>:held:<peer>`), each entry
 * "<kind>\t<sender>\t<frame>". Room state to come (locks, a host) belongs in the same hash, with
 * the same `{room id}` hash tag, so the scripts stay atomic.
 *
 * Frames published to a process (`<prefix>node:<node>`) are "<peer>[,<peer>…]\n<frame>", or a
 * notice "!claimed <room> <peer> <epoch>" for the process that held a peer before.
 */
import { createHash } from 'node:crypto';

const PRELUDE = `
local function presence(room, peer)
  local value = redis.call('HGET', room, 'p:' .. peer)
  if not value then return nil end
  local node, epoch, away = string.match(value, '^(%S+) (%d+) (%d+)$')
  return { node = node, epoch = tonumber(epoch), away = tonumber(away) }
end

local function set_presence(room, peer, node, epoch, away)
  redis.call('HSET', room, 'p:' .. peer, node .. ' ' .. string.format('%d', epoch) .. ' ' .. string.format('%.0f', away))
end

-- Every member but 'except', as a flat list: peer, info, order, peer, info, order, ...
local function members(room, except, out)
  local flat = redis.call('HGETALL', room)
  local fields = {}
  for i = 1, #flat, 2 do fields[flat[i]] = flat[i + 1] end
  for field, info in pairs(fields) do
    if string.sub(field, 1, 2) == 'm:' then
      local peer = string.sub(field, 3)
      if peer ~= except then
        table.insert(out, peer)
        table.insert(out, info)
        table.insert(out, fields['o:' .. peer] or '0')
      end
    end
  end
  return out
end

-- Removes a member and its token and held messages; deletes the room once empty.
local function remove(room, held, peer)
  local token = redis.call('HGET', room, 'k:' .. peer)
  if token then redis.call('HDEL', room, 't:' .. token) end
  redis.call('HDEL', room, 'm:' .. peer, 'o:' .. peer, 'p:' .. peer, 'k:' .. peer, 'h:' .. peer)
  redis.call('DEL', held)
  if redis.call('HINCRBY', room, 'count', -1) <= 0 then
    redis.call('DEL', room)
  end
end

-- Takes the room off a node's list once none of the node's peers is left in it.
local function release_node(room, node, prefix, room_id)
  local flat = redis.call('HGETALL', room)
  for i = 1, #flat, 2 do
    if string.sub(flat[i], 1, 2) == 'p:' and string.match(flat[i + 1], '^(%S+)') == node then
      return
    end
  end
  redis.call('SREM', prefix .. 'node:' .. node .. ':rooms', room_id)
end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Holds an envelope for an away peer by the rules of held-messages.ts: an offer from a sender
-- replaces what was held from that sender; past max_messages or max_bytes, the peer is removed.
local function hold(room, held, peer, kind, from, frame, away, max_messages, max_bytes)
  local bytes = tonumber(redis.call('HGET', room, 'h:' .. peer) or '0')
  if kind == 'offer' and from ~= '' then
    local entries = redis.call('LRANGE', held, 0, -1)
    local kept = {}
    bytes = 0
    for _, entry in ipairs(entries) do
      local k, f, body = string.match(entry, '^(%a+)\\t([^\\t]*)\\t(.*)$')
      if f ~= from or k == 'event' then
        table.insert(kept, entry)
        bytes = bytes + #body
      end
    end
    if #kept ~= #entries then
      redis.call('DEL', held)
      if #kept > 0 then redis.call('RPUSH', held, unpack(kept)) end
    end
  end
  if redis.call('LLEN', held) + 1 > max_messages or bytes + #frame > max_bytes then
    remove(room, held, peer)
    return 'overflow'
  end
  redis.call('RPUSH', held, kind .. '\\t' .. from .. '\\t' .. frame)
  redis.call('HSET', room, 'h:' .. peer, string.format('%d', bytes + #frame))
  -- Gone with the peer's place, at the latest.
  redis.call('PEXPIREAT', held, string.format('%.0f', math.max(away, now_ms()) + 60000))
  return 'held'
end
`;

/** A script and its SHA-1, for EVALSHA with a fallback to EVAL after Redis lost its cache. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
  readonly keys: number;
}

function script(keys: number, body: string): LuaScript {
  const source = `${PRELUDE}\n${body}`;
  return { source, sha: createHash('sha1').update(source).digest('hex'), keys };
}

/** KEYS: room, rooms of this node. ARGV: peer, info, node, capacity, room ttl ms, room id.
 * Returns {'full'} or {'ok', order, others...}. */
export const JOIN = script(
  2,
  `
local room, peer = KEYS[1], ARGV[1]
local count = tonumber(redis.call('HGET', room, 'count') or '0')
if count >= tonumber(ARGV[4]) then return { 'full' } end
-- Join orders are microseconds of Redis' clock, never below the last one given: still
-- increasing after a restart that lost the room and got its members back from their processes.
local t = redis.call('TIME')
local order = tonumber(t[1]) * 1000000 + tonumber(t[2])
local last = tonumber(redis.call('HGET', room, 'order') or '0')
if order <= last then order = last + 1 end
local text = string.format('%.0f', order)
local result = members(room, peer, { 'ok', text })
redis.call('HSET', room, 'count', string.format('%d', count + 1), 'order', text, 'm:' .. peer, ARGV[2], 'o:' .. peer, text)
set_presence(room, peer, ARGV[3], 1, 0)
redis.call('PEXPIRE', room, ARGV[5])
redis.call('SADD', KEYS[2], ARGV[6])
return result
`,
);

/** KEYS: room, held list. ARGV: peer, epoch, only if away ('1'/'0'), key prefix, room id.
 * Returns {'left', remaining...} or {'kept', remaining...}. */
export const LEAVE = script(
  2,
  `
local room, peer = KEYS[1], ARGV[1]
local where = presence(room, peer)
if not where or where.epoch ~= tonumber(ARGV[2]) or (ARGV[3] == '1' and where.away == 0) then
  return members(room, peer, { 'kept' })
end
remove(room, KEYS[2], peer)
release_node(room, where.node, ARGV[4], ARGV[5])
return members(room, peer, { 'left' })
`,
);

/** KEYS: room. ARGV: peer, epoch, info. Returns {'ok', others...} or {'stale'}. */
export const UPDATE_MEDIA = script(
  1,
  `
local room, peer = KEYS[1], ARGV[1]
local where = presence(room, peer)
if not where or where.epoch ~= tonumber(ARGV[2]) then return { 'stale' } end
redis.call('HSET', room, 'm:' .. peer, ARGV[3])
return members(room, peer, { 'ok' })
`,
);

/** KEYS: room, held list. ARGV: to, frame, kind, from, channel prefix, max messages, max bytes,
 * key prefix, room id. Returns 'sent', 'held', 'unknown' or 'overflow'. */
export const DELIVER = script(
  2,
  `
local room, peer = KEYS[1], ARGV[1]
local where = presence(room, peer)
if not where then return 'unknown' end
if where.away == 0 then
  redis.call('PUBLISH', ARGV[5] .. where.node, peer .. '\\n' .. ARGV[2])
  return 'sent'
end
local outcome = hold(room, KEYS[2], peer, ARGV[3], ARGV[4], ARGV[2], where.away, tonumber(ARGV[6]), tonumber(ARGV[7]))
if outcome == 'overflow' then release_node(room, where.node, ARGV[8], ARGV[9]) end
return outcome
`,
);

/** KEYS: room, then one held list per recipient. ARGV: frame, channel prefix, max messages,
 * max bytes, key prefix, room id, then the recipients. Returns the recipients whose held messages
 * overflowed. */
export const BROADCAST = script(
  1,
  `
local room, frame = KEYS[1], ARGV[1]
local by_node, overflowed = {}, {}
for i = 7, #ARGV do
  local peer = ARGV[i]
  local where = presence(room, peer)
  if where then
    if where.away == 0 then
      by_node[where.node] = by_node[where.node] or {}
      table.insert(by_node[where.node], peer)
    elseif hold(room, KEYS[i - 5], peer, 'event', '', frame, where.away, tonumber(ARGV[3]), tonumber(ARGV[4])) == 'overflow' then
      table.insert(overflowed, peer)
      release_node(room, where.node, ARGV[5], ARGV[6])
    end
  end
end
for node, peers in pairs(by_node) do
  redis.call('PUBLISH', ARGV[2] .. node, table.concat(peers, ',') .. '\\n' .. frame)
end
return overflowed
`,
);

/** KEYS: room. ARGV: peer, epoch, node, away until. Returns 1, or 0 if that epoch is stale. */
export const DETACH = script(
  1,
  `
local room, peer = KEYS[1], ARGV[1]
local where = presence(room, peer)
if not where or where.epoch ~= tonumber(ARGV[2]) or where.node ~= ARGV[3] then return 0 end
set_presence(room, peer, ARGV[3], where.epoch, tonumber(ARGV[4]))
return 1
`,
);

/** KEYS: room, held list, rooms of this node. ARGV: peer, node, channel prefix, room id,
 * key prefix.
 * Returns {epoch, held frames...}, or nil if there is no such member. */
export const CLAIM = script(
  3,
  `
local room, peer, node = KEYS[1], ARGV[1], ARGV[2]
local where = presence(room, peer)
if not where then return nil end
local epoch = where.epoch + 1
set_presence(room, peer, node, epoch, 0)
local result = { epoch }
for _, entry in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
  table.insert(result, string.match(entry, '^%a+\\t[^\\t]*\\t(.*)$'))
end
redis.call('DEL', KEYS[2])
redis.call('HDEL', room, 'h:' .. peer)
redis.call('SADD', KEYS[3], ARGV[4])
if where.node ~= node then
  redis.call('PUBLISH', ARGV[3] .. where.node, '!claimed ' .. ARGV[4] .. ' ' .. peer .. ' ' .. where.epoch)
  release_node(room, where.node, ARGV[5], ARGV[4])
end
return result
`,
);

/** KEYS: room. ARGV: peer, token hash. */
export const ISSUE = script(
  1,
  `
local room, peer = KEYS[1], ARGV[1]
if redis.call('HEXISTS', room, 'm:' .. peer) == 0 then return 0 end
local old = redis.call('HGET', room, 'k:' .. peer)
if old then redis.call('HDEL', room, 't:' .. old) end
redis.call('HSET', room, 'k:' .. peer, ARGV[2], 't:' .. ARGV[2], peer)
return 1
`,
);

/** KEYS: room. ARGV: token hash. Returns the peer, consuming its token, or nil. */
export const REDEEM = script(
  1,
  `
local room = KEYS[1]
local peer = redis.call('HGET', room, 't:' .. ARGV[1])
if not peer then return nil end
redis.call('HDEL', room, 't:' .. ARGV[1], 'k:' .. peer)
return peer
`,
);

/** KEYS: room, rooms of this node. ARGV: peer, info, order, node, epoch, away until, token hash,
 * room ttl ms, room id. Returns 'ok', 'written' or 'stale'. */
export const REASSERT = script(
  2,
  `
local room, peer, node = KEYS[1], ARGV[1], ARGV[4]
local epoch = tonumber(ARGV[5])
local where = presence(room, peer)
local outcome = 'written'
if where then
  if where.node ~= node or where.epoch > epoch then return 'stale' end
  outcome = 'ok'
else
  redis.call('HINCRBY', room, 'count', 1)
end
redis.call('HSET', room, 'm:' .. peer, ARGV[2], 'o:' .. peer, ARGV[3])
set_presence(room, peer, node, epoch, tonumber(ARGV[6]))
local last = tonumber(redis.call('HGET', room, 'order') or '0')
if tonumber(ARGV[3]) > last then redis.call('HSET', room, 'order', ARGV[3]) end
if ARGV[7] ~= '' and redis.call('HEXISTS', room, 'k:' .. peer) == 0 then
  redis.call('HSET', room, 'k:' .. peer, ARGV[7], 't:' .. ARGV[7], peer)
end
redis.call('PEXPIRE', room, ARGV[8])
redis.call('SADD', KEYS[2], ARGV[9])
return outcome
`,
);

/** KEYS: room, rooms of this node. ARGV: dead node, this node, away until, room id.
 * Moves the dead node's members to this one, away; returns {peer, epoch, away until, ...}. */
export const TAKE_OVER = script(
  2,
  `
local room, dead, node = KEYS[1], ARGV[1], ARGV[2]
local result = {}
local flat = redis.call('HGETALL', room)
for i = 1, #flat, 2 do
  local field = flat[i]
  if string.sub(field, 1, 2) == 'p:' then
    local peer = string.sub(field, 3)
    local where = presence(room, peer)
    if where and where.node == dead then
      local away = where.away
      if away == 0 then away = tonumber(ARGV[3]) end
      set_presence(room, peer, node, where.epoch + 1, away)
      table.insert(result, peer)
      table.insert(result, where.epoch + 1)
      table.insert(result, string.format('%.0f', away))
    end
  end
end
if #result > 0 then redis.call('SADD', KEYS[2], ARGV[4]) end
return result
`,
);

/** KEYS: the nodes' lease index. ARGV: now (ms). Takes one node whose lease ran out, or nil. */
export const REAP = script(
  1,
  `
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 1)
if #dead == 0 then return nil end
redis.call('ZREM', KEYS[1], dead[1])
return dead[1]
`,
);

/** KEYS: room, rooms of this node. ARGV: node, room ttl ms, room id. Keeps the room alive while
 * this node holds a member of it; else takes it off the node's list. Returns that member count. */
export const TOUCH = script(
  2,
  `
local room, node = KEYS[1], ARGV[1]
local mine = 0
local flat = redis.call('HGETALL', room)
for i = 1, #flat, 2 do
  if string.sub(flat[i], 1, 2) == 'p:' and string.match(flat[i + 1], '^(%S+)') == node then
    mine = mine + 1
  end
end
if mine > 0 then redis.call('PEXPIRE', room, ARGV[2]) else redis.call('SREM', KEYS[2], ARGV[3]) end
return mine
`,
);
