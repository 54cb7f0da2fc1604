// The designer feature: design files, live exports, deploys with a diff.
export { designerFeature, type FileDialogs } from './handlers';
export { DesignsService } from './service';
