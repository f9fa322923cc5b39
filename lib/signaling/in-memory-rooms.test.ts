import { InMemoryRooms } from './in-memory-rooms';
import { describeRoomsContract } from './rooms-contract';

describeRoomsContract('in memory', async (capacity, heldLimits) => {
  const rooms = new InMemoryRooms(capacity, heldLimits);
  return {
    rooms,
    leftovers: async () => {
      const { rooms: count, members } = rooms.size();
      return count + members;
    },
    heldBytes: async () => rooms.status().heldBytes,
    dispose: () => rooms.stop(),
  };
});
