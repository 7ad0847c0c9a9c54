type Listener<T> = (payload: T) => void;

/** A mitt-sized emitter whose listeners are isolated: one that throws never stops the others. */
export interface Emitter<Events extends object> {
  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void;
  emit<K extends keyof Events>(type: K, payload: Events[K]): void;
}

/*@__NO_SIDE_EFFECTS__*/
export function createEmitter<Events extends object>(onListenerError: (error: unknown, type: keyof Events) => void): Emitter<Events> {
  const listeners = new Map<keyof Events, Set<Listener<never>>>();
  return {
    on(type, listener) {
      let set = listeners.get(type);
      if (!set) listeners.set(type, (set = new Set()));
      set.add(listener);
      return () => void set.delete(listener);
    },
    emit(type, payload) {
      const set = listeners.get(type);
      if (!set) return;
      // Copy so a listener that unsubscribes or subscribes does not change this round.
      for (const listener of [...set]) {
        try {
          (listener as Listener<typeof payload>)(payload);
        } catch (error) {
          onListenerError(error, type);
        }
      }
    },
  };
}
