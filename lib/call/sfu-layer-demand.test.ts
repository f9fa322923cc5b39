import { describe, expect, it } from 'vitest';
import { SfuLayerDemand } from './sfu-layer-demand';

describe('SfuLayerDemand', () => {
  it('sends the middle layer until someone asks, then only what is asked for', () => {
    const demand = new SfuLayerDemand(2_000);
    expect(demand.layersAt(0)).toEqual(['medium']);
    demand.ask('bob', 'medium', true, 0);
    demand.ask('carol', 'medium', true, 0);
    expect(demand.layersAt(0)).toEqual(['medium']);
    demand.ask('dave', 'low', true, 10);
    expect(demand.layersAt(10)).toEqual(['low', 'medium']);
    expect(demand.nextChangeAt(10)).toBeNull();
  });

  it('keeps the layer a subscriber plays until Janus switched it, then a little longer', () => {
    const demand = new SfuLayerDemand(2_000);
    demand.ask('bob', 'medium', true, 0);
    // Bob shows the sender full screen: the large layer starts, and the medium one stays for as
    // long as Janus takes to switch him.
    demand.ask('bob', 'high', false, 1_000);
    expect(demand.layersAt(60_000)).toEqual(['medium', 'high']);
    expect(demand.nextChangeAt(60_000)).toBeNull();
    demand.ask('bob', 'high', true, 61_000);
    expect(demand.layersAt(61_000)).toEqual(['medium', 'high']);
    expect(demand.nextChangeAt(61_000)).toBe(63_000);
    expect(demand.layersAt(63_000)).toEqual(['high']);
    expect(demand.nextChangeAt(63_000)).toBeNull();
  });

  it('keeps what a subscriber last played through requests Janus has not confirmed', () => {
    const demand = new SfuLayerDemand(2_000);
    demand.ask('bob', 'low', true, 0);
    demand.ask('bob', 'medium', false, 100);
    demand.ask('bob', 'high', false, 200);
    expect(demand.layersAt(5_000)).toEqual(['low', 'high']);
    // Back to what he plays: nothing else is kept for him.
    demand.ask('bob', 'low', false, 5_000);
    expect(demand.layersAt(7_000)).toEqual(['low']);
  });

  it('stops lingering when a layer is asked for again', () => {
    const demand = new SfuLayerDemand(2_000);
    demand.ask('bob', 'medium', true, 0);
    demand.ask('bob', 'high', true, 100);
    demand.ask('bob', 'medium', true, 200);
    expect(demand.layersAt(200)).toEqual(['medium', 'high']);
    expect(demand.nextChangeAt(200)).toBe(2_200);
    expect(demand.layersAt(5_000)).toEqual(['medium']);
  });

  it('keeps the unasked layer for the first to ask until Janus switches them to theirs', () => {
    const demand = new SfuLayerDemand(2_000);
    demand.ask('bob', 'high', false, 0);
    expect(demand.layersAt(0)).toEqual(['medium', 'high']);
    // However long Janus takes: a busy machine may take seconds.
    expect(demand.layersAt(2_500)).toEqual(['medium', 'high']);
    demand.ask('bob', 'high', true, 3_000);
    expect(demand.layersAt(3_000)).toEqual(['medium', 'high']);
    expect(demand.layersAt(5_000)).toEqual(['high']);
  });

  it('forgets someone who left; with nobody left asking, the middle layer is sent again', () => {
    const demand = new SfuLayerDemand(2_000);
    demand.ask('bob', 'low', true, 0);
    demand.ask('carol', 'high', true, 0);
    demand.forget('carol', 500);
    expect(demand.layersAt(500)).toEqual(['low', 'high']);
    expect(demand.layersAt(2_500)).toEqual(['low']);
    demand.forget('bob', 3_000);
    demand.forget('nobody', 3_000);
    expect(demand.layersAt(3_000)).toEqual(['low']);
    expect(demand.layersAt(5_000)).toEqual(['medium']);
  });

  it('sends no layer while everyone who asked shows none, and starts again when one does', () => {
    const demand = new SfuLayerDemand(2_000);
    demand.ask('bob', 'medium', true, 0);
    demand.ask('carol', 'none', true, 0);
    expect(demand.layersAt(0)).toEqual(['medium']);
    // Bob's tab goes to the background: the layer he played lingers, then nothing is sent.
    demand.ask('bob', 'none', true, 1_000);
    expect(demand.layersAt(2_000)).toEqual(['medium']);
    expect(demand.layersAt(3_000)).toEqual([]);
    expect(demand.nextChangeAt(3_000)).toBeNull();
    // Carol shows a thumbnail again: her layer starts at once.
    demand.ask('carol', 'low', false, 10_000);
    expect(demand.layersAt(10_000)).toEqual(['low']);
  });
});
