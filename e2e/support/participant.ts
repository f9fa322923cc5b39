// The person a test drives lives in the shared test kit; specs import it from here.
export {
  startCall,
  type CallControl,
  type MediaExpectation,
  type Participant,
} from '../../tests/support/browser/person';
