// A handler that throws its own error class: the client reports its name as the errorType.
class OrderRejected extends Error {
  constructor(message) {
    super(message);
    this.name = 'OrderRejected';
  }
}

exports.handler = async (event) => {
  throw new OrderRejected(`order ${event.order} was rejected`);
};
