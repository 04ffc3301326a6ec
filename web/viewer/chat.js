// IVS Chat's messaging protocol lives in web/shared/ivschat.js (the studio uses it too),
// served to this app as ./shared/.
export { ChatRoom, notSent } from "./shared/ivschat.js";
