import { metaPixelDestination } from '../destinations/meta-pixel';
import { registerOnPage } from './register';

registerOnPage(metaPixelDestination);
