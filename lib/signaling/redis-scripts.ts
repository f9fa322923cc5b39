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
 *   h:<peer>          bytes held for it while it is away (`Envelope.bytes` summed)
 *   c                 the host controls (JSON, `room-controls.ts`)
 *   w:<knock>         someone knocking: JSON {name, address, since, node}, `node` being the
 *                     process that holds the knocker's socket
 *   d:<address>       until when (ms) an address the host declined waits before knocking again
 * Messages held for an away peer are a list beside it (`<room key>:held:<peer>`), each entry
 * "<kind>\t<subject>\t<bytes>\t<frame>", kept by the rules of `held-messages.ts`. What is held
 * for the away peers of one process is summed in `<prefix>node:<node>:held`, its budget. All
 * room state lives in the same hash, so the scripts stay atomic and it all goes with the room.
 *
 * What is published to a process (`<prefix>node:<node>`) is relays, as RELAY takes them (to a
 * process of an earlier release, whose lease does not say 'batch': "<peer>\n<frame>" pairs), or a
 * notice: "!claimed <room> <peer> <epoch>" for the process that held a peer before, "!expelled
 * <room> <peer> <why>" for the process that holds a peer the host took out, and "!knock <room>
 * <knock> <admit, or the pause in ms>" for the process that holds a knocker's socket.
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

local function budget_key(prefix, node)
  return prefix .. 'node:' .. node .. ':held'
end

-- Gives what is held for a member back to its process's budget, and forgets it.
local function release_held(room, held, peer, node, prefix)
  local bytes = tonumber(redis.call('HGET', room, 'h:' .. peer) or '0')
  if bytes > 0 then redis.call('DECRBY', budget_key(prefix, node), bytes) end
  redis.call('HDEL', room, 'h:' .. peer)
  redis.call('DEL', held)
end

local function node_channel(prefix, node)
  return prefix .. 'node:' .. node
end

-- The room is going: nobody is left to answer a knock, so each knocker's process hears that it
-- may try again at once.
local function answer_knocks(room, prefix)
  local room_id = string.match(room, 'room:{([^}]*)}$')
  local flat = redis.call('HGETALL', room)
  for i = 1, #flat, 2 do
    if string.sub(flat[i], 1, 2) == 'w:' then
      local knock = cjson.decode(flat[i + 1])
      redis.call('PUBLISH', node_channel(prefix, knock.node), '!knock ' .. room_id .. ' ' .. string.sub(flat[i], 3) .. ' 0')
    end
  end
end

-- Removes a member and its token and held messages; deletes the room once empty.
local function remove(room, held, peer, node, prefix)
  release_held(room, held, peer, node, prefix)
  local token = redis.call('HGET', room, 'k:' .. peer)
  if token then redis.call('HDEL', room, 't:' .. token) end
  redis.call('HDEL', room, 'm:' .. peer, 'o:' .. peer, 'p:' .. peer, 'k:' .. peer)
  if redis.call('HINCRBY', room, 'count', -1) <= 0 then
    answer_knocks(room, prefix)
    redis.call('DEL', room)
  end
end

-- The waiting list, flat: knock, entry, knock, entry, ... after 'out'. A knock whose process's
-- lease is gone (that process died with the knocker's socket) is dropped on the way.
local function waiting(room, prefix, out)
  local flat = redis.call('HGETALL', room)
  for i = 1, #flat, 2 do
    if string.sub(flat[i], 1, 2) == 'w:' then
      local knock = cjson.decode(flat[i + 1])
      if redis.call('EXISTS', prefix .. 'node:' .. knock.node) == 1 then
        table.insert(out, string.sub(flat[i], 3))
        table.insert(out, flat[i + 1])
      else
        redis.call('HDEL', room, flat[i])
      end
    end
  end
  return out
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

-- Holds an envelope for an away peer: HeldMessages.hold of held-messages.ts, step for step.
-- A description from a sender drops that sender's held descriptions and candidates; a media update
-- drops the earlier one about the same peer; a departure drops everything from or about that peer,
-- and is itself dropped if the peer's arrival was held. Then the peer's cap, then its process's
-- budget. Returns 'held', 'peer-limit' or 'process-limit' (the caller removes the peer).
local function hold(room, held, peer, node, prefix, kind, subject, bytes, frame, away, max_peer, max_process)
  local used = tonumber(redis.call('HGET', room, 'h:' .. peer) or '0')
  local budget = budget_key(prefix, node)
  local keep = true
  if kind == 'description' or kind == 'peer-updated' or kind == 'peer-left' then
    local entries = redis.call('LRANGE', held, 0, -1)
    local kept, dropped = {}, 0
    for _, entry in ipairs(entries) do
      local k, s, b = string.match(entry, '^([^\\t]+)\\t([^\\t]*)\\t(%d+)\\t')
      local drop = false
      if s == subject then
        if kind == 'description' then
          drop = k == 'description' or k == 'candidate'
        elseif kind == 'peer-updated' then
          drop = k == 'peer-updated'
        else
          drop = true
          if k == 'peer-joined' then keep = false end
        end
      end
      if drop then dropped = dropped + tonumber(b) else table.insert(kept, entry) end
    end
    if #kept ~= #entries then
      redis.call('DEL', held)
      -- In slices: unpack has a limit on how many values it returns.
      for i = 1, #kept, 1000 do
        redis.call('RPUSH', held, unpack(kept, i, math.min(i + 999, #kept)))
      end
      used = used - dropped
      redis.call('HSET', room, 'h:' .. peer, string.format('%d', used))
      redis.call('DECRBY', budget, dropped)
    end
  end
  if not keep then return 'held' end
  if used + bytes > max_peer then return 'peer-limit' end
  if tonumber(redis.call('GET', budget) or '0') + bytes > max_process then return 'process-limit' end
  redis.call('RPUSH', held, kind .. '\\t' .. subject .. '\\t' .. string.format('%d', bytes) .. '\\t' .. frame)
  redis.call('HSET', room, 'h:' .. peer, string.format('%d', used + bytes))
  redis.call('INCRBY', budget, bytes)
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
remove(room, KEYS[2], peer, where.node, ARGV[4])
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

/**
 * Relays a batch of envelopes, each to one member, in order. ARGV: channel prefix, key prefix,
 * max bytes per peer, max bytes per process, then the batch as one string, per envelope a header
 * line and the frame: "<room id>\t<recipient>\t<kind>\t<subject>\t<bytes>\t<frame length>\n<frame>\n"
 * (the length in bytes; a frame is JSON text, which has no raw newline). One argument rather than
 * eight per envelope: the client encodes, and Redis parses, a few large strings instead of many
 * small ones. Frames are skipped by their length, not matched by a pattern: Lua's matcher steps
 * through a pattern byte by byte, which for a 6 KB offer cost more than the rest of the relay.
 * The keys (the room, the held list) are made here from the room id, as `RedisRooms` makes them.
 *
 * An attached recipient's relay is published to its process, one publication per process
 * carrying that process's relays in order, each as it was in the batch (header line and frame);
 * an away one's is held. Returns, flat, only the envelopes not sent: {index (1-based), outcome,
 * held bytes, …} with outcome 'held', 'unknown', 'peer-limit' or 'process-limit' (the recipient
 * was removed).
 */
export const RELAY = script(
  0,
  `
local channel, prefix = ARGV[1], ARGV[2]
local max_peer, max_process = tonumber(ARGV[3]), tonumber(ARGV[4])
local batch = ARGV[5]
-- Per process, the byte ranges of its relays in the batch: {first, after, first, after, ...}.
local ranges, nodes, outcomes = {}, {}, {}
-- Where each attached recipient is, read once per batch: nothing below moves an attached peer.
local attached = {}
local i, pos, sent = 0, 1, 0
while pos <= #batch do
  i = i + 1
  local first = pos
  local room_id, peer, kind, subject, bytes, length, from =
    string.match(batch, '^([^\\t]*)\\t([^\\t]*)\\t([^\\t]*)\\t([^\\t]*)\\t(%d+)\\t(%d+)\\n()', pos)
  if not from then return redis.error_reply('malformed relay batch') end
  local after = from + tonumber(length)
  if string.byte(batch, after) ~= 10 then return redis.error_reply('malformed relay batch') end
  pos = after + 1
  local route = room_id .. '\\t' .. peer
  local where, room = attached[route], nil
  if not where then
    room = prefix .. 'room:{' .. room_id .. '}'
    where = presence(room, peer)
    if where and where.away == 0 then attached[route] = where end
  end
  if not where then
    table.insert(outcomes, i); table.insert(outcomes, 'unknown'); table.insert(outcomes, 0)
  elseif where.away == 0 then
    local node_ranges = ranges[where.node]
    if not node_ranges then
      node_ranges = {}
      ranges[where.node] = node_ranges
      table.insert(nodes, where.node)
    end
    local n = #node_ranges
    if n > 0 and node_ranges[n] == first then
      node_ranges[n] = pos
    else
      table.insert(node_ranges, first); table.insert(node_ranges, pos)
    end
    sent = sent + 1
  else
    local frame = string.sub(batch, from, after - 1)
    local held = room .. ':held:' .. peer
    local outcome = hold(room, held, peer, where.node, prefix, kind, subject, tonumber(bytes), frame, where.away, max_peer, max_process)
    local held_bytes = tonumber(redis.call('HGET', room, 'h:' .. peer) or '0')
    if outcome ~= 'held' then
      remove(room, held, peer, where.node, prefix)
      release_node(room, where.node, prefix, room_id)
    end
    table.insert(outcomes, i); table.insert(outcomes, outcome); table.insert(outcomes, held_bytes)
  end
end
-- Redis's Lua (7.0 on) hashes every byte of every string it makes: the batch is published as it
-- came when every relay in it is sent to one process, and otherwise cut in as few pieces as the
-- order of its relays allows. A process of an earlier release (its lease does not say 'batch')
-- reads "<peer>\\n<frame>" pairs instead, which this release reads too (a rolling deploy).
local reads_batches = {}
local function reads_batch(node)
  local known = reads_batches[node]
  if known == nil then
    local lease = redis.call('GET', prefix .. 'node:' .. node)
    known = lease ~= false and string.find(lease, ' batch', 1, true) ~= nil
    reads_batches[node] = known
  end
  return known
end
if sent == i and #nodes == 1 and reads_batch(nodes[1]) then
  redis.call('PUBLISH', channel .. nodes[1], batch)
else
  for _, node in ipairs(nodes) do
    local node_ranges, pieces, whole = ranges[node], {}, reads_batch(node)
    for k = 1, #node_ranges, 2 do
      if whole then
        table.insert(pieces, string.sub(batch, node_ranges[k], node_ranges[k + 1] - 1))
      else
        local at = node_ranges[k]
        while at < node_ranges[k + 1] do
          local peer, length, from =
            string.match(batch, '^[^\\t]*\\t([^\\t]*)\\t[^\\t]*\\t[^\\t]*\\t%d+\\t(%d+)\\n()', at)
          at = from + tonumber(length) + 1
          table.insert(pieces, peer .. '\\n' .. string.sub(batch, from, at - 2))
        end
      end
    end
    redis.call('PUBLISH', channel .. node, table.concat(pieces, whole and '' or '\\n'))
  end
end
return outcomes
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
  table.insert(result, string.match(entry, '^[^\\t]+\\t[^\\t]*\\t%d+\\t(.*)$'))
end
release_held(room, KEYS[2], peer, where.node, ARGV[5])
redis.call('SADD', KEYS[3], ARGV[4])
if where.node ~= node then
  redis.call('PUBLISH', ARGV[3] .. where.node, '!claimed ' .. ARGV[4] .. ' ' .. peer .. ' ' .. where.epoch)
  release_node(room, where.node, ARGV[5], ARGV[4])
end
return result
`,
);

/** KEYS: room. ARGV: the controls the caller read ('' for none), the new ones ('' to drop them).
 * Compare-and-set: returns {1} once written, or {0, current} if another process changed them
 * first. A room nobody is in keeps no controls. */
export const SET_CONTROLS = script(
  1,
  `
local room = KEYS[1]
local current = redis.call('HGET', room, 'c') or ''
if current ~= ARGV[1] then return { 0, current } end
if redis.call('EXISTS', room) == 0 then return { 1 } end
if ARGV[2] == '' then redis.call('HDEL', room, 'c') else redis.call('HSET', room, 'c', ARGV[2]) end
return { 1 }
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

/** KEYS: room, rooms of this node. ARGV: dead node, this node, away until, room id, key prefix.
 * Moves the dead node's members to this one, away, with what is held for them (counted against
 * this node's budget from now on); returns {peer, epoch, away until, ...}. */
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
      local bytes = tonumber(redis.call('HGET', room, 'h:' .. peer) or '0')
      if bytes > 0 then
        redis.call('DECRBY', budget_key(ARGV[5], dead), bytes)
        redis.call('INCRBY', budget_key(ARGV[5], node), bytes)
      end
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
 * this node holds a member of it; else takes it off the node's list. Returns the members Redis
 * says this node holds: {peer, epoch, ...}. */
export const TOUCH = script(
  2,
  `
local room, node = KEYS[1], ARGV[1]
local mine = {}
local flat = redis.call('HGETALL', room)
for i = 1, #flat, 2 do
  if string.sub(flat[i], 1, 2) == 'p:' then
    local where_node, epoch = string.match(flat[i + 1], '^(%S+) (%d+)')
    if where_node == node then
      table.insert(mine, string.sub(flat[i], 3))
      table.insert(mine, epoch)
    end
  end
end
if #mine > 0 then redis.call('PEXPIRE', room, ARGV[2]) else redis.call('SREM', KEYS[2], ARGV[3]) end
return mine
`,
);

/** KEYS: room. ARGV: peer, epoch, node, key prefix, room id. Removes a member this node is said
 * to hold under that epoch but does not (a join or a claim that ran in Redis after the process
 * had given up waiting for it). Returns {'released', remaining...} or {'kept'}. */
export const RELEASE = script(
  1,
  `
local room, peer, node = KEYS[1], ARGV[1], ARGV[3]
local where = presence(room, peer)
if not where or where.node ~= node or where.epoch ~= tonumber(ARGV[2]) then return { 'kept' } end
remove(room, room .. ':held:' .. peer, peer, node, ARGV[4])
release_node(room, node, ARGV[4], ARGV[5])
return members(room, peer, { 'released' })
`,
);

/** KEYS: room. ARGV: from, to. Moves an existing room from one media mode to the other (a
 * missing field is 'mesh'); the field goes when the room is deleted. Returns 1 if it moved. */
export const SET_MODE = script(
  1,
  `
local room = KEYS[1]
if redis.call('EXISTS', room) == 0 then return 0 end
if (redis.call('HGET', room, 'mode') or 'mesh') ~= ARGV[1] then return 0 end
redis.call('HSET', room, 'mode', ARGV[2])
return 1
`,
);

/** KEYS: room. ARGV: peer, why, key prefix, room id. Takes a member out wherever it is: its place,
 * token and held messages go, and its process is told to close its socket.
 * Returns {'left', remaining...} or {'kept', remaining...} if there was no such member. */
export const EXPEL = script(
  1,
  `
local room, peer, prefix = KEYS[1], ARGV[1], ARGV[3]
local where = presence(room, peer)
if not where then return members(room, peer, { 'kept' }) end
remove(room, room .. ':held:' .. peer, peer, where.node, prefix)
release_node(room, where.node, prefix, ARGV[4])
redis.call('PUBLISH', node_channel(prefix, where.node), '!expelled ' .. ARGV[4] .. ' ' .. peer .. ' ' .. ARGV[2])
return members(room, peer, { 'left' })
`,
);

/** KEYS: room. ARGV: knock id, name, address, most knocks, node, key prefix. Adds a knock to a
 * room that has members (a knock already there stays as it is). Returns {'ok', waiting list...}, {'no-room'}, {'full'} or
 * {'too-soon', ms left of the address's pause}. */
export const KNOCK = script(
  1,
  `
local room, prefix = KEYS[1], ARGV[6]
if tonumber(redis.call('HGET', room, 'count') or '0') <= 0 then return { 'no-room' } end
-- Written again (after an outage): it keeps its place.
if redis.call('HEXISTS', room, 'w:' .. ARGV[1]) == 1 then return waiting(room, prefix, { 'ok' }) end
local now = now_ms()
local paused = tonumber(redis.call('HGET', room, 'd:' .. ARGV[3]) or '0')
if paused > now then return { 'too-soon', string.format('%.0f', paused - now) } end
local list = waiting(room, prefix, { 'ok' })
if (#list - 1) / 2 >= tonumber(ARGV[4]) then return { 'full' } end
local entry = cjson.encode({ name = ARGV[2], address = ARGV[3], since = now, node = ARGV[5] })
redis.call('HSET', room, 'w:' .. ARGV[1], entry)
table.insert(list, ARGV[1])
table.insert(list, entry)
return list
`,
);

/** KEYS: room. ARGV: key prefix. Returns {'ok', waiting list...}. */
export const KNOCKS = script(
  1,
  `
return waiting(KEYS[1], ARGV[1], { 'ok' })
`,
);

/** KEYS: room. ARGV: knock id, host, 'admit' or 'decline', pause ms, key prefix, room id. The
 * host's answer, if `host` is the host of the stored controls: the knock leaves the list, a
 * decline pauses its address, and the knocker's process is told. Returns {'ok', the knock's
 * entry, waiting list...}, {'not-host'} or {'no-knock'}. */
export const ANSWER = script(
  1,
  `
local room, knock_id, prefix = KEYS[1], ARGV[1], ARGV[5]
local controls = redis.call('HGET', room, 'c')
if not controls or cjson.decode(controls).hostPeerId ~= ARGV[2] then return { 'not-host' } end
local entry = redis.call('HGET', room, 'w:' .. knock_id)
if not entry then return { 'no-knock' } end
redis.call('HDEL', room, 'w:' .. knock_id)
local knock = cjson.decode(entry)
local word = 'admit'
if ARGV[3] == 'decline' then
  local now = now_ms()
  -- Pauses that are over are forgotten here, so the hash holds only those still running.
  local flat = redis.call('HGETALL', room)
  for i = 1, #flat, 2 do
    if string.sub(flat[i], 1, 2) == 'd:' and tonumber(flat[i + 1]) <= now then
      redis.call('HDEL', room, flat[i])
    end
  end
  redis.call('HSET', room, 'd:' .. knock.address, string.format('%.0f', now + tonumber(ARGV[4])))
  word = ARGV[4]
end
redis.call('PUBLISH', node_channel(prefix, knock.node), '!knock ' .. ARGV[6] .. ' ' .. knock_id .. ' ' .. word)
return waiting(room, prefix, { 'ok', entry })
`,
);

/** KEYS: room. ARGV: knock id, key prefix. Returns {'ok', waiting list...}, or {'gone'} if there
 * was no such knock. */
export const WITHDRAW = script(
  1,
  `
if redis.call('HDEL', KEYS[1], 'w:' .. ARGV[1]) == 0 then return { 'gone' } end
return waiting(KEYS[1], ARGV[2], { 'ok' })
`,
);

/** KEYS: a bucket. ARGV: burst, tokens per second. A token bucket on Redis' clock, shared by
 * every process; a bucket expires once it would be full again. Returns 1 if a token was taken. */
export const TAKE_TOKEN = script(
  1,
  `
local key = KEYS[1]
local burst, rate = tonumber(ARGV[1]), tonumber(ARGV[2])
local now = now_ms()
local state = redis.call('HMGET', key, 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local taken = 0
if tokens >= 1 then
  tokens = tokens - 1
  taken = 1
end
redis.call('HSET', key, 'tokens', tostring(tokens), 'at', string.format('%.0f', now))
redis.call('PEXPIRE', key, math.ceil((burst - tokens) / rate * 1000) + 1000)
return taken
`,
);
