import { ga4Destination } from '../destinations/ga4';
import { registerOnPage } from './register';

registerOnPage(ga4Destination);
