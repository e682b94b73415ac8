import { useEffect, useReducer, useRef } from 'react';
import { followCampaignEvents } from '../../api/campaign-events';
import type { Session } from '../../api/session';
import { initialLiveState, liveReducer, type LiveState } from './live-state';

/**
 * Follows the campaign's event stream for as long as the page shows it. `onTransition` runs for
 * each transition (the backlog included), so the page can read the campaign again.
 */
export function useCampaignStream(session: Session, campaignId: string, onTransition: () => void): LiveState {
  const [state, dispatch] = useReducer(liveReducer, initialLiveState);
  const onTransitionRef = useRef(onTransition);
  onTransitionRef.current = onTransition;

  useEffect(() => {
    const controller = new AbortController();
    void followCampaignEvents({
      campaignId,
      authorization: session.authorization,
      signal: controller.signal,
      onEvent: (event) => {
        dispatch({ type: 'event', event, atMs: Date.now() });
        if (event.type === 'transition') onTransitionRef.current();
      },
      onConnection: (connected) => dispatch({ type: 'connection', connected }),
      onFatal: (status, body) => dispatch({ type: 'refused', status, body }),
    });
    return () => controller.abort();
  }, [session.authorization, campaignId]);

  return state;
}
