import { scriptDestination } from '../destinations/script';
import { registerOnPage } from './register';

registerOnPage(scriptDestination);
