import { InMemoryRooms } from './in-memory-rooms';
import { describeRoomsContract } from './rooms-contract';

describeRoomsContract('in memory', async (capacity) => {
  const rooms = new InMemoryRooms(capacity);
  return {
    rooms,
    leftovers: async () => {
      const { rooms: count, members } = rooms.size();
      return count + members;
    },
    dispose: () => rooms.stop(),
  };
});
