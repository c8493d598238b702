#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "zoo_kernels.h"
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
static float rnd(float s){return s*(2*rand()/(float)RAND_MAX-1);}
int main(int argc,char**argv){
  int rows=atoi(argv[1]), size=256, width=4*size, steps=35, reps=atoi(argv[2]);
  float *b=aligned_alloc(64,4L*width*size), *proj=aligned_alloc(64,4L*rows*width), *rec=aligned_alloc(64,4L*rows*width);
  float *gates=aligned_alloc(64,4L*rows*width), *extra=aligned_alloc(64,4L*rows*size), *cells=aligned_alloc(64,4L*rows*size);
  float *states=aligned_alloc(64,4L*(steps+1)*rows*size), *h0=calloc(rows*size,4), *c0=calloc(rows*size,4), *hb=calloc(width,4);
  for(long i=0;i<(long)width*size;i++)b[i]=rnd(0.0625f);
  for(long i=0;i<(long)rows*width;i++)proj[i]=rnd(0.5f);
  double best=1e9, bestp=1e9;
  for(int t=0;t<5;t++){
    double s=now(), pt=0;
    for(int r=0;r<reps;r++) for(int st=0;st<steps;st++){
      const float *prev = st? states+(st-1)*rows*size : h0;
      double p0=now();
      zoo_packed_multiply(prev,rows,size,width,b,rec,0);
      pt+=now()-p0;
      zoo_cell_step s2={.input=proj,.recurrent=rec,.hidden_bias=hb,.previous_hidden=prev,.previous_cell=st?cells:c0,.gates=gates,.extra=extra,.hidden=states+st*rows*size,.cell=cells};
      zoo_lstm_forward(&s2,0,rows,size);
    }
    double e=(now()-s)/reps/steps; if(e<best){best=e;bestp=pt/reps/steps;}
  }
  printf("rows %d: %.1f us a step, of which packed %.1f us; h[last]=%g\n",rows,best*1e6,bestp*1e6,states[(steps-1)*rows*size+5]);
}
