import { describe, expect, it } from 'vitest';
import { SfuLayerDemand } from './sfu-layer-demand';

describe('SfuLayerDemand', () => {
  it('sends every layer until someone asks, then only what is asked for', () => {
    const demand = new SfuLayerDemand(2_000);
    expect(demand.layersAt(0)).toEqual(['low', 'medium', 'high']);
    demand.ask('bob', 'medium', 0);
    demand.ask('carol', 'medium', 0);
    expect(demand.layersAt(0)).toEqual(['medium']);
    demand.ask('dave', 'low', 10);
    expect(demand.layersAt(10)).toEqual(['low', 'medium']);
    expect(demand.nextChangeAt(10)).toBeNull();
  });

  it('keeps a layer nobody asks for any more for a while, then stops it', () => {
    const demand = new SfuLayerDemand(2_000);
    demand.ask('bob', 'medium', 0);
    // Bob shows the sender full screen: the medium layer stays until the large one has taken over.
    demand.ask('bob', 'high', 1_000);
    expect(demand.layersAt(1_000)).toEqual(['medium', 'high']);
    expect(demand.nextChangeAt(1_000)).toBe(3_000);
    expect(demand.layersAt(2_999)).toEqual(['medium', 'high']);
    expect(demand.layersAt(3_000)).toEqual(['high']);
    expect(demand.nextChangeAt(3_000)).toBeNull();
  });

  it('stops lingering when a layer is asked for again', () => {
    const demand = new SfuLayerDemand(2_000);
    demand.ask('bob', 'medium', 0);
    demand.ask('bob', 'high', 100);
    demand.ask('bob', 'medium', 200);
    expect(demand.layersAt(200)).toEqual(['medium', 'high']);
    expect(demand.nextChangeAt(200)).toBe(2_200);
    expect(demand.layersAt(5_000)).toEqual(['medium']);
  });

  it('forgets someone who left; with nobody left asking, every layer is sent again', () => {
    const demand = new SfuLayerDemand(2_000);
    demand.ask('bob', 'low', 0);
    demand.ask('carol', 'high', 0);
    demand.forget('carol', 500);
    expect(demand.layersAt(500)).toEqual(['low', 'high']);
    expect(demand.layersAt(2_500)).toEqual(['low']);
    demand.forget('bob', 3_000);
    demand.forget('nobody', 3_000);
    expect(demand.layersAt(3_000)).toEqual(['low']);
    expect(demand.layersAt(5_000)).toEqual(['low', 'medium', 'high']);
  });
});
